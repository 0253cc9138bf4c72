using CircuitFinder.Graph.Results;

namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// What a <see cref="VerificationRun"/> verifies: a circuit (read from its file with the run's graphs, e.g. by the
/// Reports' circuit file reader), optionally a ground truth to score it against, and causal-scrubbing hypothesis files.
/// At least a circuit or a hypothesis; a ground truth only with a circuit.
/// </summary>
public sealed record VerificationRequest
{
    public CircuitFile? Circuit { get; init; }

    public CircuitFile? Truth { get; init; }

    public IReadOnlyList<string> Hypotheses { get; init; } = [];
}
