using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Zoo;

/// <summary>
/// Each single edge's cost with the exact edge patcher: (clean − edge ablated) / (clean − every edge ablated) of a
/// metric averaged over the prompts, for every edge of the q/k/v graph.
/// </summary>
internal static class EdgeCosts
{
    public static ComputeGraph Graph(HookedTransformerConfig c) =>
        ModelGraph.Build(c, GraphLevel.Qkv);

    /// <param name="metric">Per-set metric <c>[sets]</c> from read-position logits <c>[sets, batch, vocab]</c>.</param>
    public static (Dictionary<string, double> Costs, double Clean, double Ablated) Measure(
        HookedTransformer model, Tensor clean, Tensor readPositions, Tensor corrupted, IAblation ablation, Func<Tensor, Tensor> metric, ITestOutputHelper output)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var graph = Graph(model.Config);
        using var patcher = new EdgePatcher(model, graph, new PatchingInput(clean, ReadPositions: readPositions), ablation, corrupted);
        var sets = new List<IReadOnlyCollection<Edge>> { Array.Empty<Edge>(), graph.Edges.ToList() };
        sets.AddRange(graph.Edges.Select(e => (IReadOnlyCollection<Edge>)[e]));
        var values = metric(patcher.Evaluate(sets)).data<float>().ToArray(); // [sets]
        double gap = values[0] - values[1];
        var costs = graph.Edges.Select((e, i) => (e.Id, Cost: (values[0] - values[2 + i]) / gap)).ToDictionary(x => x.Id, x => x.Cost);
        output.WriteLine($"{ablation.Name}: clean {values[0]:F4}, every edge ablated {values[1]:F4}");
        foreach (var (id, cost) in costs)
        {
            output.WriteLine($"  {id,-18} {cost:P3}");
        }

        return (costs, values[0], values[1]);
    }
}
