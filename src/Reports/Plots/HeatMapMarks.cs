namespace CircuitFinder.Reports.Plots;

/// <summary>
/// What <see cref="HeatMapPlot"/> draws beyond the colours: each cell's value printed in it (with
/// <paramref name="CellFormat"/>), and a labelled mark on the colour bar at <paramref name="Baseline"/> (a random
/// baseline), both optional.
/// </summary>
public sealed record HeatMapMarks(bool CellValues, string CellFormat = "0.00", double? Baseline = null, string BaselineLabel = "random baseline");
