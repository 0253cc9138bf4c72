using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Model.Zoo;

namespace CircuitFinder.Detectors.Runs;

/// <summary>
/// Detection as a library service: scores every head of one model with the chosen detectors and returns its
/// <see cref="HeadTable"/> (<see cref="HeadTables.ToWiki"/> gives the plain record the Reports writers take). Progress is
/// reported as (step, fraction done); drawing it is the caller's business.
/// </summary>
public static class DetectionRun
{
    /// <summary>The task a model was built for when <paramref name="source"/> is a zoo model (<c>zoo:NAME</c>), else null.</summary>
    public static string? TaskHint(string source) =>
        source.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal) && ZooCatalog.TryGet(source[ZooCatalog.Prefix.Length..], out var zoo) ? zoo.TaskName : null;

    /// <summary>Scores a loaded model; its source names it in the table and gives the task hint.</summary>
    public static HeadTable Run(
        LoadedModel loaded, IReadOnlyList<IHeadDetector> detectors, DetectorOptions? options = null, IProgress<(string Step, double Fraction)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return Run(loaded.Model, loaded.Tokenizer, loaded.Source, TaskHint(loaded.Source), detectors, options, progress);
    }

    /// <summary>Scores <paramref name="model"/> (named <paramref name="source"/> in the table); inputs are made on the model's device.</summary>
    public static HeadTable Run(
        HookedTransformer model,
        ITokenizer? tokenizer,
        string source,
        string? taskHint,
        IReadOnlyList<IHeadDetector> detectors,
        DetectorOptions? options = null,
        IProgress<(string Step, double Fraction)>? progress = null)
    {
        using var context = new DetectorContext(model, tokenizer, source, taskHint, options);
        return HeadScan.Run(context, detectors, progress);
    }
}
