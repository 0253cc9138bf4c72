using System.Security.Cryptography;

namespace CircuitFinder.Model.Hub;

/// <summary>
/// Fetches what a model needs (<see cref="HubFileSelection"/>) from the hub into the cache, as <c>huggingface_hub</c>
/// writes it: each file into <c>blobs/{etag}</c> through <c>blobs/{etag}.incomplete</c> (resumed after a dropped
/// connection), a large file's sha256 checked against the hub's, and only when every file is in place the links
/// <c>snapshots/{commit}/{file}</c> → <c>../../blobs/{etag}</c> and <c>refs/{revision}</c>; so a failed pull leaves nothing
/// in <c>snapshots/</c>. Files already in <c>blobs/</c> are not fetched again. When the repo has no tokenizer and its
/// config names a tokenizer repo (<c>tokenizer_name</c>, as TransformerLens' toy models do), that repo's tokenizer files
/// are fetched too.
/// </summary>
public static class HubPull
{
    public static HubSnapshot Pull(HubReference reference, HubOptions options, IProgress<HubTransfer>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        using var client = new HubClient(options);
        var cache = new HubCache(options.CacheFolder);
        var revision = client.Revision(reference);
        Fetch(client, cache, reference, revision, HubFileSelection.ForModel(revision), progress);
        string folder = cache.SnapshotFolder(revision.RepoId, revision.Commit);
        string? tokenizerFolder = null;
        if (HubFileSelection.ForTokenizer(revision).Count == 0 && HubModels.TokenizerRepo(folder) is { } tokenizer)
        {
            var tokenizerRevision = client.Revision(tokenizer);
            var files = HubFileSelection.ForTokenizer(tokenizerRevision);
            if (files.Count > 0)
            {
                Fetch(client, cache, tokenizer, tokenizerRevision, files, progress);
                tokenizerFolder = cache.SnapshotFolder(tokenizerRevision.RepoId, tokenizerRevision.Commit);
            }
        }

        return new HubSnapshot(reference, revision.Commit, folder, tokenizerFolder);
    }

    private static void Fetch(HubClient client, HubCache cache, HubReference reference, HubRevision revision, IReadOnlyList<string> files, IProgress<HubTransfer>? progress)
    {
        string repo = revision.RepoId, commit = revision.Commit;
        var fetched = new List<HubFileMetadata>();
        var wanted = new List<string>(files);
        foreach (var index in files.Where(HubFileSelection.IsIndex))
        {
            var indexFile = client.Metadata(repo, commit, index);
            FetchBlob(client, cache, repo, commit, indexFile, new Tally(repo, indexFile.Size ?? 0, progress));
            fetched.Add(indexFile);
            wanted.Remove(index);
            foreach (var shard in HubFileSelection.Shards(cache.BlobPath(repo, indexFile.ETag), $"{reference}: {index}"))
            {
                wanted.Add(revision.Files.Contains(shard) ? shard : throw new BadInputException($"{reference}: {index} names the shard {shard}, which the repo does not have"));
            }
        }

        var metadata = wanted.Select(f => client.Metadata(repo, commit, f)).ToList();
        var tally = new Tally(repo, metadata.Sum(m => m.Size ?? 0), progress);
        foreach (var file in metadata)
        {
            FetchBlob(client, cache, repo, commit, file, tally);
            fetched.Add(file);
        }

        foreach (var file in fetched)
        {
            cache.Link(repo, commit, file.File, file.ETag);
        }

        cache.WriteRef(reference, commit);
    }

    private static void FetchBlob(HubClient client, HubCache cache, string repo, string commit, HubFileMetadata metadata, Tally tally)
    {
        string blob = cache.BlobPath(repo, metadata.ETag);
        if (File.Exists(blob) && (metadata.Size is not long size || new FileInfo(blob).Length == size))
        {
            tally.Finished(metadata.File, new FileInfo(blob).Length);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        string incomplete = blob + ".incomplete";
        client.Download(repo, commit, metadata, incomplete, have => tally.Report(metadata.File, have, metadata.Size ?? have));
        if (metadata.Sha256 is { } expected)
        {
            string actual;
            using (var stream = File.OpenRead(incomplete))
            {
                actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            }

            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(incomplete);
                throw new BadInputException(
                    $"{repo}@{commit}: {metadata.File}: checksum mismatch (sha256 {actual}, the hub says {expected}); the download was discarded and nothing was added to the snapshot");
            }
        }

        File.Move(incomplete, blob, overwrite: true);
        tally.Finished(metadata.File, new FileInfo(blob).Length);
    }

    /// <summary>Bytes done over the files of one fetch, for progress.</summary>
    private sealed class Tally(string repo, long total, IProgress<HubTransfer>? progress)
    {
        private long _done;

        public void Report(string file, long have, long size) =>
            progress?.Report(new HubTransfer(repo, file, have, size, _done + have, Math.Max(total, _done + have)));

        public void Finished(string file, long size)
        {
            _done += size;
            progress?.Report(new HubTransfer(repo, file, size, size, _done, Math.Max(total, _done)));
        }
    }
}
