using CircuitFinder.Model.Loading;
using CircuitFinder.Patching.Diff;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Diff;

public sealed class ModelDiffTests
{
    [Fact]
    public void Given_a_model_and_a_second_load_of_it_when_diffed_then_every_difference_is_exactly_zero()
    {
        using var a = ModelLoader.Load("zoo:attn-only-2l");
        using var b = ModelLoader.Load("zoo:attn-only-2l");
        var report = ModelDiff.Compare(a.Model, b.Model, DiffTexts.Repeated(), new ModelDiffOptions { Tokenizer = a.Tokenizer });
        Assert.True(report.Identical);
        Assert.All(report.Text!.Positions, p => Assert.Equal(0.0, p.Difference));
        Assert.All(report.Text.Positions, p => Assert.Equal(0.0, p.Kl));
        Assert.Equal(46, report.Text.Positions.Count);
        var inside = report.Inside!;
        Assert.All(inside.Parameters, p => Assert.Equal(0.0, p.DifferenceNorm));
        Assert.All(inside.Heads, h => Assert.Equal(0.0, h.Relative));
        Assert.All(inside.Activations, x => Assert.Equal(0.0, x.MeanAbsDifference));
        Assert.NotEmpty(inside.Activations);
        Assert.All(inside.Attribution, x => Assert.Equal(0.0, x.MeanAbsDifference));
        Assert.NotEmpty(inside.Attribution);
        Assert.Null(inside.Patching);
    }

    [Fact]
    public void Given_a_copy_with_one_heads_W_O_zeroed_when_diffed_then_that_head_ranks_first_in_weights_attribution_and_patching()
    {
        using var zeroed = ModelLoader.Load("zoo:attn-only-2l");
        using var full = ModelLoader.Load("zoo:attn-only-2l");
        using (no_grad())
        {
            zeroed.Model.Blocks[1].Attn.W_O[2].zero_();
        }

        var report = ModelDiff.Compare(zeroed.Model, full.Model, DiffTexts.Repeated(), new ModelDiffOptions { Tokenizer = full.Tokenizer });
        var inside = report.Inside!;
        Assert.False(report.Identical);
        Assert.Equal("L1H2", inside.Heads[0].Unit);
        Assert.All(inside.Heads.Skip(1), h => Assert.Equal(0.0, h.DifferenceNorm));
        Assert.Equal("blocks.1.attn.W_O", inside.Parameters[0].Name);
        Assert.Equal("L1H2", inside.Attribution.First(x => x.Component.StartsWith('L') && x.Component.Contains('H', StringComparison.Ordinal)).Component);
        var heads = inside.Patching!.Heads;
        Assert.Equal("L1H2", heads[0].Component);
        Assert.Equal(1.0, heads[0].Recovery, 3);
        Assert.All(heads.Skip(1), h => Assert.True(Math.Abs(h.Recovery) < 1e-3, $"{h.Component} recovers {h.Recovery}"));
    }

    [Fact]
    public void Given_attn_only_2l_before_and_after_its_induction_head_forms_when_diffed_on_repeated_text_then_layer_1_heads_dominate_patching_recovery_on_the_repeated_half()
    {
        using var before = ModelLoader.Load(DiffTexts.Checkpoint("step_512"));
        using var after = ModelLoader.Load("zoo:attn-only-2l");
        var tokens = DiffTexts.Repeated();
        var report = ModelDiff.Compare(before.Model, after.Model, tokens, new ModelDiffOptions { Tokenizer = after.Tokenizer });
        var patching = report.Inside!.Patching!;
        int half = (tokens.Count - 1) / 2;
        Assert.All(patching.Positions, p => Assert.True(p >= half, $"position {p} is not in the repeated half (from {half})"));
        var heads = patching.Heads;
        double layer1 = heads.Where(h => h.Layer == 1).Sum(h => h.Recovery);
        double layer0 = heads.Where(h => h.Layer == 0).Sum(h => h.Recovery);
        Assert.Equal(1, heads[0].Layer);
        Assert.True(layer1 > 2 * Math.Abs(layer0), $"layer 1 recovers {layer1}, layer 0 {layer0}");
        Assert.True(report.Text!.MeanLogProbB > report.Text.MeanLogProbA);
    }

    [Fact]
    public void Given_a_text_longer_than_n_ctx_when_diffed_without_chunk_then_bad_input_names_n_ctx_and_chunk_and_with_chunk_every_token_is_predicted_once()
    {
        using var a = ModelLoader.Load("zoo:attn-only-2l");
        var tokens = DiffTexts.Repeated().Concat(DiffTexts.Repeated(8)).ToList(); // 94 ids
        var error = Assert.Throws<BadInputException>(() => ModelDiff.Compare(a.Model, a.Model, tokens));
        Assert.Contains("n_ctx = 48", error.Message);
        Assert.Contains("--chunk", error.Message);
        var report = ModelDiff.Compare(a.Model, a.Model, tokens, new ModelDiffOptions { Chunk = true });
        Assert.Equal(Enumerable.Range(0, tokens.Count - 1), report.Text!.Positions.Select(p => p.Position));
        Assert.Equal(2, report.Text.Windows);
        Assert.True(report.Identical);
    }

    [Fact]
    public void Given_models_of_different_structure_when_diffed_then_the_black_box_diff_is_made_and_the_inside_is_refused_naming_what_differs()
    {
        using var a = ModelLoader.Load("zoo:attn-only-2l");
        using var b = ModelLoader.Load("zoo:attn-only-3l");
        var report = ModelDiff.Compare(a.Model, b.Model, DiffTexts.Repeated());
        Assert.Null(report.Inside);
        Assert.Equal("A has 2 layers, B has 3", report.InsideRefused);
        Assert.Equal(46, report.Text!.Positions.Count);
        var error = Assert.Throws<BadInputException>(() => ModelDiff.Weights(a.Model, b.Model));
        Assert.Contains("A has 2 layers, B has 3", error.Message);
    }
}
