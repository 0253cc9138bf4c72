namespace CircuitFinder.Model.Hub;

/// <summary>
/// The HuggingFace cache as <c>huggingface_hub</c> lays it out under <see cref="Root"/>:
/// <c>models--{org}--{name}/refs/{revision}</c> holds a commit; <c>snapshots/{commit}/{file}</c> are (usually relative
/// symbolic links to) the files, whose contents live in <c>blobs/{etag}</c>. Read as it is; written the same way.
/// </summary>
public sealed class HubCache(string root)
{
    private const string RepoPrefix = "models--";

    public string Root { get; } = root;

    /// <summary>The folder of <paramref name="repoId"/>; an existing folder spelled with other letter case is used when there is one.</summary>
    public string RepoFolder(string repoId)
    {
        string exact = Path.Combine(Root, RepoPrefix + repoId.Replace("/", "--", StringComparison.Ordinal));
        if (Directory.Exists(exact) || !Directory.Exists(Root))
        {
            return exact;
        }

        string name = Path.GetFileName(exact);
        return Directory.EnumerateDirectories(Root).FirstOrDefault(d => string.Equals(Path.GetFileName(d), name, StringComparison.OrdinalIgnoreCase)) ?? exact;
    }

    public string BlobPath(string repoId, string etag) => Path.Combine(RepoFolder(repoId), "blobs", etag);

    public string SnapshotFolder(string repoId, string commit) => Path.Combine(RepoFolder(repoId), "snapshots", commit);

    public string RefPath(string repoId, string revision) => Path.Combine(RepoFolder(repoId), "refs", revision);

    /// <summary>The commit <paramref name="reference"/> names in the cache (itself for a commit hash), or null when its ref is not there.</summary>
    public string? Commit(HubReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.IsCommit)
        {
            return reference.Revision;
        }

        string path = RefPath(reference.RepoId, reference.Revision);
        if (!InputFile.IsRegularFile(path))
        {
            return null;
        }

        string commit = InputFile.ReadAllText(path, 4096).Trim();
        return HubReference.CommitPattern().IsMatch(commit)
            ? commit
            : throw new BadInputException($"{path}: expected a commit hash (40 hex digits), found '{commit}'");
    }

    /// <summary>The snapshot folder of <paramref name="reference"/>, or null when it is not cached.</summary>
    public string? Find(HubReference reference)
    {
        string? commit = Commit(reference);
        string? folder = commit is null ? null : SnapshotFolder(reference.RepoId, commit);
        return folder is not null && Directory.Exists(folder) ? folder : null;
    }

    /// <summary>The repo ids with a folder in the cache (for suggestions).</summary>
    public IReadOnlyList<string> RepoIds() =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root, RepoPrefix + "*")
                .Select(d => Path.GetFileName(d)[RepoPrefix.Length..].Replace("--", "/", StringComparison.Ordinal))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>
    /// Points <c>snapshots/{commit}/{file}</c> at <c>blobs/{etag}</c> by a relative symbolic link, as
    /// <c>huggingface_hub</c> does (a copy where links cannot be made), replacing what was there.
    /// </summary>
    public void Link(string repoId, string commit, string file, string etag)
    {
        string target = Path.Combine(SnapshotFolder(repoId, commit), file);
        string blob = BlobPath(repoId, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, AtomicFile.TemporaryName(Path.GetFileName(target)));
        try
        {
            File.CreateSymbolicLink(temporary, Path.GetRelativePath(Path.GetDirectoryName(target)!, blob));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, temporary, overwrite: true);
        }

        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Writes <c>refs/{revision}</c> = <paramref name="commit"/> (nothing for a commit hash, which needs no ref).</summary>
    public void WriteRef(HubReference reference, string commit)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.IsCommit)
        {
            return;
        }

        string path = RefPath(reference.RepoId, reference.Revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, commit);
    }
}
