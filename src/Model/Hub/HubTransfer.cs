namespace CircuitFinder.Model.Hub;

/// <summary>Progress of a pull: the file being fetched, bytes of it so far and its size, and bytes of the whole pull so far of its total.</summary>
public readonly record struct HubTransfer(string Repo, string File, long FileDone, long FileSize, long Done, long Total);
