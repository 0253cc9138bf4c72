using CircuitFinder.Model.Zoo;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Hub;

/// <summary>
/// Models named by hub id or TransformerLens name (<c>NAME[@REVISION]</c>, <see cref="HubReference"/>), found in the
/// HuggingFace cache without the network (<see cref="HubCache"/>), or fetched from the hub when the caller allows it
/// (<see cref="HubPull"/>).
/// </summary>
public static class HubModels
{
    /// <summary>
    /// The cached snapshot <paramref name="spec"/> names. When it is not cached: with <paramref name="download"/> it is
    /// pulled (unless <see cref="HubOptions.Offline"/>); otherwise a <see cref="BadInputException"/> saying how to fetch it,
    /// with the nearest known name when the name is neither a TransformerLens name nor cached. A spec that can only be
    /// a path is "model folder not found".
    /// </summary>
    public static HubSnapshot Locate(string spec, HubOptions options, bool download = false, IProgress<HubTransfer>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (!HubReference.TryParse(spec, out var reference))
        {
            throw new BadInputException($"{spec}: model folder not found");
        }

        var cache = new HubCache(options.CacheFolder);
        if (Find(cache, reference) is { } cached)
        {
            return cached;
        }

        if (!download)
        {
            throw NotCached(spec, reference, cache, options);
        }

        if (options.Offline)
        {
            throw new BadInputException($"{spec}: {reference} is not in the HuggingFace cache ({cache.Root}) and HF_HUB_OFFLINE is set, so it cannot be downloaded");
        }

        HubPull.Pull(reference, options, progress);
        return Find(cache, reference) ?? throw new BadInputException($"{spec}: pulled, but {reference} is still not in {cache.Root}");
    }

    /// <summary>
    /// True when <paramref name="spec"/> is a name that <see cref="Locate"/> would have to fetch: shaped like a name,
    /// naming nothing on disk and not <c>zoo:</c>, and not in the cache.
    /// </summary>
    public static bool NeedsDownload(string spec, HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        return !File.Exists(spec) && !Directory.Exists(spec) && !spec.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal)
            && HubReference.TryParse(spec, out var reference) && Find(new HubCache(options.CacheFolder), reference) is null;
    }

    /// <summary>The snapshot of <paramref name="reference"/> in <paramref name="cache"/>, or null.</summary>
    public static HubSnapshot? Find(HubCache cache, HubReference reference)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(reference);
        string? folder = cache.Find(reference);
        if (folder is null)
        {
            return null;
        }

        string? tokenizerFolder = null;
        if (!HubFileSelection.TokenizerFiles.Any(f => File.Exists(Path.Combine(folder, f))) && TokenizerRepo(folder) is { } tokenizer)
        {
            tokenizerFolder = cache.Find(tokenizer);
        }

        return new HubSnapshot(reference, Path.GetFileName(folder), folder, tokenizerFolder);
    }

    /// <summary>The repo a snapshot's <c>config.json</c> names in <c>tokenizer_name</c> (TransformerLens configs), at <c>main</c>; null when none.</summary>
    public static HubReference? TokenizerRepo(string folder)
    {
        string config = Path.Combine(folder, "config.json");
        if (!File.Exists(config))
        {
            return null;
        }

        return JsonFiles.ReadObject(config, InputFile.ConfigLimit)["tokenizer_name"] is JValue { Type: JTokenType.String } name
            && HubReference.TryParse((string)name!, out var reference)
            ? reference
            : null;
    }

    private static BadInputException NotCached(string spec, HubReference reference, HubCache cache, HubOptions options)
    {
        var cachedIds = cache.RepoIds();
        bool known = TransformerLensNames.TryGetHubId(reference.RepoId, out _) || cachedIds.Contains(reference.RepoId, StringComparer.OrdinalIgnoreCase);
        string name = spec.Split('@')[0];
        string suggestion = known
            ? string.Empty
            : $" '{name}' is neither a TransformerLens name nor cached; did you mean '{Suggest.Nearest(name, TransformerLensNames.All.Select(r => r.Name).Concat(cachedIds).Concat(ZooCatalog.Names.Select(n => ZooCatalog.Prefix + n)))}'?";
        string where = cachedIds.Contains(reference.RepoId, StringComparer.OrdinalIgnoreCase)
            ? $"revision '{reference.Revision}' of {reference.RepoId} is not in the HuggingFace cache ({cache.Root})"
            : $"{reference.RepoId} is not in the HuggingFace cache ({cache.Root})";
        string fetch = options.Offline
            ? " (HF_HUB_OFFLINE is set, so it cannot be downloaded)"
            : $"; fetch it with 'circuitfinder pull {spec}' or add --download";
        return new BadInputException($"{spec}: not a model folder, and {where}{fetch}.{suggestion}");
    }
}
