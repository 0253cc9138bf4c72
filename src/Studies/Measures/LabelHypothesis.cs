using CircuitFinder.Graph;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Studies.Measures;

/// <summary>
/// The causal-scrubbing hypothesis (<c>circuitfinder/hypothesis@1</c>, docs/hypothesis.md) that a circuit computes the
/// task's answer: each of its edges carries what prompts with the same answer share (feature <c>label</c>), everything
/// outside it nothing. Written to a temporary file, since the verifier reads hypotheses from files; deleted on dispose.
/// </summary>
public sealed class LabelHypothesis : IDisposable
{
    public LabelHypothesis(Circuit circuit, ComputeGraph graph, string name)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(graph);
        var edges = new JObject();
        foreach (var edge in circuit.Ordered(graph))
        {
            edges[edge.Id] = new JObject { ["feature"] = new JObject { ["kind"] = "label" } };
        }

        var json = new JObject { ["schema"] = "circuitfinder/hypothesis@1", ["name"] = name, ["edges"] = edges };
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"circuitfinder-hypothesis-{Guid.NewGuid():N}.json");
        File.WriteAllText(Path, JsonFiles.Format(json));
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
