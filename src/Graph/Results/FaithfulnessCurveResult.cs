namespace CircuitFinder.Graph.Results;

/// <summary>
/// The faithfulness curve at the MIB edge budgets, with CPR (the area under f) and CMD (the area under |1 − f|), both by
/// the trapezoid rule over the budget fractions (so an ideal CPR is 0.999, the span from 0.1% to 100%).
/// </summary>
public sealed record FaithfulnessCurveResult(IReadOnlyList<CurvePoint> Points, double Cpr, double Cmd);
