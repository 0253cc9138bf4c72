namespace CircuitFinder.Model.Hub;

/// <summary>What the hub's revision API says of a repo at a revision: the commit it resolves to and the files there.</summary>
public sealed record HubRevision(string RepoId, string Commit, IReadOnlyList<string> Files);
