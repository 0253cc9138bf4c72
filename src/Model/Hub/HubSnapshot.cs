namespace CircuitFinder.Model.Hub;

/// <summary>
/// A model found in the cache: the reference it was named by, the commit, the snapshot folder, and the snapshot of the
/// repo its config names for the tokenizer (<c>tokenizer_name</c>) when its own repo has no tokenizer files.
/// </summary>
public sealed record HubSnapshot(HubReference Reference, string Commit, string Folder, string? TokenizerFolder);
