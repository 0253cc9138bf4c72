using CircuitFinder.Graph.Views;

namespace CircuitFinder.Studies.Framework;

/// <summary>
/// A plot of a study's report, written as <c>img/{File}.png</c>: a heat map (<paramref name="Map"/>) or lines
/// (<paramref name="Curves"/>), exactly one of them.
/// </summary>
public sealed record StudyPlot(string File, string Title, ViewMap? Map = null, StudyCurves? Curves = null);
