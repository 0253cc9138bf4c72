using CircuitFinder.Graph.Views;
using CircuitFinder.Patching.Views;
using Xunit;

namespace CircuitFinder.Tests.Patching.Views;

public sealed class AttentionViewTests
{
    public static IEnumerable<object[]> Models => ViewModels.Names;

    [Theory]
    [MemberData(nameof(Models))]
    public void Given_any_model_when_reading_every_heads_pattern_then_each_row_sums_to_1(string name)
    {
        using var model = ViewModels.Load(name);
        var ids = ViewModels.Prompt(model);
        var heads = Enumerable.Range(0, model.Config.NLayers).SelectMany(l => Enumerable.Range(0, model.Config.NHeads).Select(h => new HeadLabel(l, h))).ToList();
        var report = AttentionView.Patterns(model, null, ids, heads, name, "prompt");
        Assert.Equal(heads.Count, report.Heads.Count);
        foreach (var map in report.Heads)
        {
            Assert.Equal(ids.Length, map.Rows.Count);
            for (int q = 0; q < ids.Length; q++)
            {
                double sum = map.Values[q].Sum();
                Assert.True(Math.Abs(sum - 1) <= ViewModels.Tolerance, $"{name} {map.Name}, query {q}: the row sums to {sum}");
                Assert.All(map.Values[q], w => Assert.InRange(w, 0, 1));
            }
        }
    }

    [Fact]
    public void Given_the_trained_induction_model_when_reading_L0H1_then_it_attends_to_the_previous_token()
    {
        using var loaded = CircuitFinder.Model.Loading.ModelLoader.Load("zoo:attn-only-2l");
        int[] ids = [0, 12, 40, 7, 33, 21, 12, 40, 7, 33, 21];
        var map = AttentionView.Patterns(loaded.Model, loaded.Tokenizer, ids, [new HeadLabel(0, 1)], "zoo:attn-only-2l", "prompt").Heads.Single();
        for (int q = 2; q < ids.Length; q++)
        {
            Assert.True(map[q, q - 1] > 0.5, $"query {q} gives its previous token {map[q, q - 1]}");
        }
    }
}
