namespace CircuitFinder.Scrubbing.Verification;

/// <summary>
/// How far a verification run is: the phase (<c>faithfulness curve</c>, <c>completeness and minimality</c>,
/// <c>scrub NAME</c>), the step within it, and the fraction of the phase done.
/// </summary>
public sealed record VerificationProgress(string Phase, string Step, double Fraction);
