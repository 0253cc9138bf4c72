using CircuitFinder.Graph.Results;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>
/// Causal scrubbing settings: the evaluation mode, how many resampling draws per prompt (<see cref="Draws"/>), the
/// budget of node evaluations per draw (the treeified graph grows with the number of paths; a larger one is refused
/// with a pointer to the node-level approximation), bootstrap resamples for the 95% intervals, the seed, and how many prompts run at once.
/// </summary>
public sealed record ScrubOptions
{
    public ScrubMode Mode { get; init; } = ScrubMode.Tree;

    public int Draws { get; init; } = 8;

    public int Budget { get; init; } = 4096;

    public int BootstrapSamples { get; init; } = 1000;

    public int Seed { get; init; }

    /// <summary>Original prompts scrubbed together (memory grows with it; results do not depend on it beyond the random stream).</summary>
    public int BatchSize { get; init; } = 64;
}
