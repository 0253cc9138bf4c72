namespace CircuitFinder.Patching.Ablations;

/// <summary>Maps CLI keys to ablations.</summary>
public static class AblationCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["resample", "mean", "mean-positions", "zero", "noise"];

    public static IAblation Create(string name) => name switch
    {
        "resample" => new ResampleAblation(),
        "mean" => new MeanAblation(perPosition: false),
        "mean-positions" => new MeanAblation(perPosition: true),
        "zero" => new ZeroAblation(),
        "noise" => new NoiseAblation(),
        _ => throw new ArgumentException($"unknown ablation '{name}' (expected {string.Join(", ", Names)})"),
    };
}
