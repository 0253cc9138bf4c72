namespace CircuitFinder.Reports.Verification;

/// <summary>The faithfulness curve at the MIB budgets, CPR (area under f) and CMD (area under |1 − f|).</summary>
public sealed record CurveSummary(IReadOnlyList<CurvePointSummary> Points, double Cpr, double Cmd);
