using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Zoo;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Patching.Discovery;

/// <summary>
/// Discovery on positional and neuron-level graphs, through the library service the command runs: ACDC on
/// <c>zoo:planted-ioi</c> with <c>--positions labels</c> places each planted edge at the position it acts at; EAP-IG at
/// neuron level finds the planted circuit of <c>zoo:planted-ioi-mlp</c>, whose name mover reaches the logits through
/// layer 2's neurons.
/// </summary>
public sealed class PositionDiscoveryTests(ITestOutputHelper output)
{
    [Fact]
    public void ACDC_by_word_labels_puts_S_inhibition_at_end_and_the_duplicate_token_head_at_S2_and_nothing_at_other()
    {
        var record = Discover("planted-ioi", new DiscoverySettings { Method = "acdc", Threshold = 0.05, Metric = "logit-diff", Positions = PositionMode.Labels });
        var ids = record.Circuit.Ordered(record.Graph).Select(e => e.Id).ToList();
        output.WriteLine(string.Join(", ", ids));
        Assert.Equal(["IO", "S1", "S2", "end", "other"], record.Graph.Positions!.Labels);
        Assert.Contains("a1.h0->a2.h0<q>@end", ids); // S-inhibition → name mover's query, at the final token
        Assert.Contains("a0.h0->a1.h0<k>@S2", ids); // the duplicate-token head writes at S2
        Assert.Contains("a0.h0->a1.h0<v>@S2", ids);
        Assert.Contains("input->a0.h0<q>@S2", ids); // the duplicate-token head's query is S2's name
        Assert.Contains("a2.h0->logits@end", ids);
        Assert.DoesNotContain(ids, id => id.EndsWith("@other", StringComparison.Ordinal));
        Assert.DoesNotContain(ids, id => id.Contains("->a1.h0", StringComparison.Ordinal) && !id.EndsWith("@S2", StringComparison.Ordinal) && !id.EndsWith("@end", StringComparison.Ordinal));
        Assert.True(record.Faithfulness > 0.9, $"faithfulness {record.Faithfulness}");
    }

    [Fact]
    public void EAP_IG_at_neuron_level_finds_the_planted_circuit_through_the_MLP_neurons()
    {
        var truth = PlantedIoi.NeuronGroundTruthEdges;
        var record = Discover("planted-ioi-mlp", new DiscoverySettings { Method = "eap-ig", TopK = truth.Count, Ablation = "zero", Metric = "logit-diff", Level = GraphLevel.Neuron });
        var found = record.Circuit.Ordered(record.Graph).Select(e => e.Id).ToList();
        output.WriteLine(string.Join(", ", found));
        Assert.Equal(truth.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ACDC_at_neuron_level_keeps_the_name_movers_edge_into_the_MLP_and_only_neuron_edges_of_the_planted_circuit()
    {
        // the MLP m2 reads the name mover (a2.h0 -> m2) and its neurons write the names (m2.n{k} -> logits): ACDC must
        // test the MLP's input once its neurons' edges are decided, not drop it as a node with no edge out
        var truth = PlantedIoi.NeuronGroundTruthEdges.ToHashSet();
        var record = Discover("planted-ioi-mlp", new DiscoverySettings { Method = "acdc", Threshold = 0.05, Ablation = "zero", Metric = "logit-diff", Level = GraphLevel.Neuron });
        var found = record.Circuit.Ordered(record.Graph).Select(e => e.Id).ToList();
        output.WriteLine(string.Join(", ", found));
        Assert.Contains("a2.h0->m2", found);
        Assert.Contains("a1.h0->a2.h0<q>", found);
        Assert.True(found.Count(id => id.StartsWith("m2.n", StringComparison.Ordinal)) >= 4, "the name-writing neurons");
        Assert.All(found, id => Assert.Contains(id, truth));
        Assert.True(record.Faithfulness > 0.9, $"faithfulness {record.Faithfulness}");
    }

    [Fact]
    public void EAP_with_one_group_per_position_scores_every_positional_edge_and_its_groups_sum_to_the_unsplit_score()
    {
        var split = Discover("planted-ioi", new DiscoverySettings { Method = "eap-ig", TopK = 10, Metric = "logit-diff", Positions = PositionMode.All, IgSteps = 3 });
        var whole = Discover("planted-ioi", new DiscoverySettings { Method = "eap-ig", TopK = 10, Metric = "logit-diff", IgSteps = 3 });
        Assert.Equal(14 * whole.Graph.Edges.Count, split.Graph.Edges.Count);
        Assert.Equal(split.Graph.Edges.Count, split.Scores.Count);
        foreach (var edge in whole.Graph.Edges)
        {
            double sum = split.Graph.Positions!.Labels.Sum(l => split.Scores[edge with { Position = l }]);
            Assert.True(Math.Abs(sum - whole.Scores[edge]) <= 1e-4 * Math.Max(1, Math.Abs(whole.Scores[edge])), $"{edge.Id}: {sum} vs {whole.Scores[edge]}");
        }
    }

    private static CircuitFinder.Graph.Results.DiscoveryRecord Discover(string model, DiscoverySettings settings)
    {
        using var loaded = ModelLoader.Load($"zoo:{model}");
        Assert.True(TaskGeneratorCatalog.TryCreate("planted-ioi", out var generator));
        var dataset = generator!.Generate(16, seed: 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
        return new DiscoveryRun(settings).Run(loaded, dataset);
    }
}
