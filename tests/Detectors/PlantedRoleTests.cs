using CircuitFinder.Detectors;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Zoo;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Detectors;

/// <summary>On the zoo's planted models every planted role is the top-scoring head of its detector.</summary>
public sealed class PlantedRoleTests(ITestOutputHelper output)
{
    [Fact]
    public void Planted_induction_previous_token_head_and_induction_head_top_their_detectors()
    {
        var table = Scan("zoo:planted-induction");
        Assert.Equal((0, 0), Top(table, "previous-token"));
        Assert.Equal((1, 0), Top(table, "induction"));
        Assert.Contains("previous-token", table.Labels[0]);
        Assert.Contains("induction", table.Labels[(1 * table.NHeads) + 0]);
    }

    [Fact]
    public void Planted_induction_K_composition_pair_beats_the_baseline_and_every_other_pair_of_its_layers()
    {
        var table = Scan("zoo:planted-induction");
        var k = table.Pairs.Where(p => p.Mode == "k" && p.SenderLayer == 0 && p.ReceiverLayer == 1).ToList();
        var planted = k.Single(p => p.SenderHead == 0 && p.ReceiverHead == 0);
        Assert.True(planted.Score > table.Baselines["k-composition"], $"{planted.Score} vs baseline {table.Baselines["k-composition"]}");
        Assert.All(k.Where(p => p != planted), p => Assert.True(p.Score < planted.Score, $"{p} >= {planted.Score}"));
    }

    [Fact]
    public void Planted_ioi_duplicate_token_s_inhibition_and_name_mover_heads_top_their_detectors()
    {
        var table = Scan("zoo:planted-ioi");
        Assert.Equal((0, 0), Top(table, "duplicate-token"));
        Assert.Equal((1, 0), Top(table, "s-inhibition"));
        Assert.Equal((2, 0), Top(table, "name-mover"));
        Assert.Contains("name-mover", table.Labels[(2 * table.NHeads) + 0]);
        Assert.Contains("s-inhibition", table.Labels[(1 * table.NHeads) + 0]);
        // a0.h0 only duplicates name tokens, about half of the random repeated tokens: top, but under the 0.3 label threshold
        Assert.True(table.Top("duplicate-token")!.Value.Score > 2 * table.Column("duplicate-token")!.Values.Skip(1).Max()!.Value);
    }

    private HeadTable Scan(string name)
    {
        using var loaded = ModelLoader.Load(name);
        ZooCatalog.TryGet(name[ZooCatalog.Prefix.Length..], out var zoo);
        using var context = new DetectorContext(loaded.Model, loaded.Tokenizer, loaded.Source, zoo?.TaskName);
        var table = HeadScan.Run(context, HeadDetectorCatalog.All);
        foreach (var column in table.Columns)
        {
            output.WriteLine($"{column.Name}: {string.Join(" ", column.Values.Select(v => v?.ToString("F3") ?? "-"))}");
        }

        foreach (var note in table.Notes)
        {
            output.WriteLine(note);
        }

        return table;
    }

    private static (int, int) Top(HeadTable table, string column)
    {
        var top = table.Top(column) ?? throw new Xunit.Sdk.XunitException($"no {column} scores");
        return (top.Layer, top.Head);
    }
}
