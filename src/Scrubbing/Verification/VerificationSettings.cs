using CircuitFinder.Graph.Results;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// How a <see cref="VerificationRun"/> checks a circuit and scrubs hypotheses, by catalog key and value as the
/// <c>verify</c> command takes them: the metric (null: the task's default), the ablation, the seed (generated noise,
/// subsets, resampling), whether to measure completeness and minimality and over which family of subsets, and the
/// causal-scrubbing settings (mode, draws per prompt, node-evaluation budget per draw, prompts at once, bootstrap
/// resamples).
/// </summary>
public sealed record VerificationSettings
{
    public string? Metric { get; init; }

    public string Ablation { get; init; } = "resample";

    public int Seed { get; init; }

    public bool Completeness { get; init; } = true;

    public int RandomSubsets { get; init; } = 16;

    public int GreedySteps { get; init; } = 4;

    public ScrubMode ScrubMode { get; init; } = ScrubMode.Tree;

    public int Draws { get; init; } = 8;

    public int ScrubBudget { get; init; } = 4096;

    public int ScrubBatch { get; init; } = 64;

    public int BootstrapSamples { get; init; } = 1000;
}
