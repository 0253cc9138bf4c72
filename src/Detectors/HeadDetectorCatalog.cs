using CircuitFinder.Detectors.Ioi;
using CircuitFinder.Detectors.Patterns;
using CircuitFinder.Detectors.Weights;

namespace CircuitFinder.Detectors;

/// <summary>Maps CLI keys to the built-in head detectors.</summary>
public static class HeadDetectorCatalog
{
    /// <summary>Every built-in detector, in column order.</summary>
    public static IReadOnlyList<IHeadDetector> All { get; } =
    [
        new PatternDetector(
            "previous-token", "TransformerLens previous_token_head pattern on random tokens", PatternInput.Random, DetectionPatterns.PreviousToken),
        new PatternDetector(
            "duplicate-token", "TransformerLens duplicate_token_head pattern on a random span repeated twice", PatternInput.Repeated, DetectionPatterns.DuplicateToken),
        new PatternDetector(
            "induction", "TransformerLens induction_head pattern on a random span repeated twice", PatternInput.Repeated, DetectionPatterns.Induction),
        new PatternDetector(
            "bos", "attention sink: mean attention on the first (BOS) position, on random tokens (mul against the first-column pattern)",
            PatternInput.Random, DetectionPatterns.FirstPosition, PatternScoring.Default),
        new CopyingDetector(suppression: false),
        new CopyingDetector(suppression: true),
        new CompositionDetector(),
        new SuccessorDetector(),
        new IoiDetector(),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(d => d.Name).ToList();

    /// <summary>The detectors named in <paramref name="names"/>, in catalog order; an unknown name lists the known ones.</summary>
    public static IReadOnlyList<IHeadDetector> Select(IEnumerable<string> names)
    {
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        var unknown = wanted.FirstOrDefault(n => !Names.Contains(n));
        if (unknown is not null)
        {
            throw new ArgumentException($"unknown detector '{unknown}' (expected {string.Join(", ", Names)})");
        }

        return All.Where(d => wanted.Contains(d.Name)).ToList();
    }

    /// <summary>
    /// <paramref name="chosen"/> then the user's <paramref name="patterns"/>; a pattern whose name a built-in detector or
    /// another pattern already uses is an <see cref="ArgumentException"/>.
    /// </summary>
    public static IReadOnlyList<IHeadDetector> WithPatterns(IReadOnlyList<IHeadDetector> chosen, IReadOnlyList<IHeadDetector> patterns)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(patterns);
        var clash = patterns.FirstOrDefault(u => Names.Contains(u.Name) || patterns.Count(o => o.Name == u.Name) > 1);
        if (clash is not null)
        {
            throw new ArgumentException($"the name '{clash.Name}' is already used by another detector");
        }

        return [.. chosen, .. patterns];
    }
}
