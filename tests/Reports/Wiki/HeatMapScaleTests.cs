using CircuitFinder.Graph.Heads;
using CircuitFinder.Reports.Plots;
using CircuitFinder.Reports.Wiki;
using Xunit;

namespace CircuitFinder.Tests.Reports.Wiki;

/// <summary>
/// Wiki heat maps do not mislead: a fixed scale per kind of score (0–1 for pattern scores however small they are,
/// symmetric for signed scores), each cell's value printed, the random baseline of composition scores marked; the step
/// column only for checkpoint families.
/// </summary>
public sealed class HeatMapScaleTests
{
    [Fact]
    public void Duplicate_token_scores_of_at_most_0_02_are_plotted_on_0_to_1_with_every_cell_value_printed()
    {
        var table = Table("m", null, ("duplicate-token", [0.02, 0.01, 0.0, 0.015]));
        var (map, marks) = WikiPlots.HeatMapSpec(table, "duplicate-token");
        Assert.Equal(0.0, map.Min);
        Assert.Equal(1.0, map.Max);
        Assert.True(marks.CellValues);
        Assert.Null(marks.Baseline);
        Assert.Contains("scale 0–1", map.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_k_composition_range_of_0_234_to_0_246_is_plotted_on_0_to_1_with_its_random_baseline_marked()
    {
        var table = Table("m", null, ("k-composition", [0.234, 0.246, 0.240, 0.238])) with
        {
            Baselines = new Dictionary<string, double> { ["k-composition"] = 0.125 },
        };
        var (map, marks) = WikiPlots.HeatMapSpec(table, "k-composition");
        Assert.Equal((0.0, 1.0), (map.Min, map.Max));
        Assert.Equal(0.125, marks.Baseline);
        Assert.Contains("random baseline 0.125", map.Title, StringComparison.Ordinal);
        var plain = HeatMapPlot.Png(map);
        var marked = HeatMapPlot.Png(map, marks);
        Assert.False(plain.AsSpan().SequenceEqual(marked), "the cell values and the baseline mark are drawn");
        Assert.True(marked.AsSpan().SequenceEqual(WikiPlots.HeatMap(table, "k-composition")));
    }

    [Fact]
    public void Signed_scores_get_a_symmetric_scale_fixed_over_the_whole_family()
    {
        Assert.Equal(new ScoreScale("ratio", -1, 1, null), ScoreScale.For("copying", [0.9, 0.8]));
        Assert.Equal(new ScoreScale("ratio", -1, 1, null), ScoreScale.For("copy-suppression", [-0.2]));
        var family = new WikiFamily
        {
            Title = "f",
            Models = [Table("small", null, ("name-mover", [0.5, -0.1, 0.2, 0.0])), Table("large", null, ("name-mover", [3.0, -1.0, 0.2, 0.1]))],
            Categories = [],
        };
        var scale = WikiSite.Scales(family)["name-mover"];
        Assert.Equal((-3.0, 3.0), (scale.Min, scale.Max));
        var (map, _) = WikiPlots.HeatMapSpec(family.Models[0], "name-mover", scale);
        Assert.Equal((-3.0, 3.0), (map.Min, map.Max)); // the small model's 0.5 is not as bright as the large one's 3.0
    }

    [Fact]
    public void The_step_column_is_shown_only_for_a_family_of_checkpoints()
    {
        var category = new WikiCategory("induction", "induction", "induction ≥ 0.3", "attends after the repeat");
        var sizes = new WikiFamily { Title = "sizes", Models = [Table("a", null, ("induction", [0.9, 0, 0, 0]))], Categories = [category] };
        var runs = sizes with { Title = "run", IsCheckpoints = true, Models = [Table("s0", 0, ("induction", [0.1, 0, 0, 0])), Table("s9", 9, ("induction", [0.9, 0, 0, 0]))] };
        Assert.DoesNotContain("step", Headers(WikiPages.Index(sizes, ["a"], new Dictionary<string, string>(), ["induction"])));
        Assert.DoesNotContain("step", Headers(WikiPages.Category(sizes, category, ["a"])));
        Assert.Contains("step", Headers(WikiPages.Index(runs, ["s0", "s9"], new Dictionary<string, string>(), ["induction"])));
        Assert.Contains("step", Headers(WikiPages.Category(runs, category, ["s0", "s9"])));
    }

    private static IEnumerable<string> Headers(Page page) => page.Blocks.OfType<Table>().SelectMany(t => t.Headers);

    private static WikiHeadTable Table(string name, long? step, (string Column, double?[] Scores) column) => new()
    {
        Model = name,
        Step = step,
        NLayers = 2,
        NHeads = 2,
        Columns = [column.Column],
        Scores = [column.Scores],
        Labels = [["induction"], [], [], []],
    };
}
