using CircuitFinder.Graph;
using CircuitFinder.Graph.Views;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.CircuitPages;

/// <summary>
/// Everything <c>circuit.html</c> shows: the scored <paramref name="Graph"/> (every edge, with <paramref name="Scores"/>
/// where known), the <paramref name="Circuit"/> in it, the run that found it (<paramref name="Run"/>: the model, task,
/// method, parameters, baselines and faithfulness sections of a <c>circuit.json</c>, or the <c>cfg</c> of an EAP-IG file;
/// see <see cref="CircuitPageData.RunSection"/>), the <paramref name="Verification"/> object of a
/// <c>verification.json</c> when there is one, and the node panel's <paramref name="Views"/> when a model was at hand.
/// </summary>
public sealed record CircuitPage(
    string Title,
    ComputeGraph Graph,
    Circuit Circuit,
    IReadOnlyDictionary<Edge, double>? Scores,
    JObject? Run = null,
    JObject? Verification = null,
    NodeViews? Views = null);
