using CircuitFinder.Model.Hub;
using Xunit;

namespace CircuitFinder.Tests.Model.Hub;

/// <summary>The shipped TransformerLens name table and its rendering in docs/models.md agree.</summary>
public sealed class TransformerLensNamesTests
{
    private const string Start = "<!-- transformer-lens-names:start -->";
    private const string End = "<!-- transformer-lens-names:end -->";

    [Fact]
    public void The_docs_table_lists_every_shipped_name_with_its_hub_id_and_nothing_else()
    {
        string doc = File.ReadAllText(Path.Combine(RealModels.RepositoryRoot() ?? throw new InvalidOperationException("repository root not found"), "docs", "models.md"));
        int from = doc.IndexOf(Start, StringComparison.Ordinal), to = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "docs/models.md has no table between the markers");
        var documented = doc[(from + Start.Length)..to]
            .Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l =>
            {
                var cells = l.Split('|', StringSplitOptions.TrimEntries);
                string hubId = cells[1].Trim('`');
                return cells[2].Split(", ").Select(n => (Name: n.Trim('`'), HubId: hubId));
            })
            .ToList();
        Assert.Equal(TransformerLensNames.All.OrderBy(r => r.HubId, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal),
            documented.OrderBy(r => r.HubId, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal));
    }

    [Fact]
    public void The_table_holds_transformer_lens_official_names_and_aliases()
    {
        Assert.True(TransformerLensNames.All.Count > 600);
        Assert.True(TransformerLensNames.TryGetHubId("pythia", out var pythia));
        Assert.Equal("EleutherAI/pythia-70m", pythia);
        Assert.True(TransformerLensNames.TryGetHubId("attn-only-2l-demo", out var demo));
        Assert.Equal("NeelNanda/Attn-Only-2L512W-Shortformer-6B-big-lr", demo);
        Assert.Equal(TransformerLensNames.All.Count, TransformerLensNames.All.Select(r => r.Name.ToLowerInvariant()).Distinct().Count());
    }
}
