using CircuitFinder.Patching.Views;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Patching.Views;

public sealed class LogitLensTests
{
    public static IEnumerable<object[]> Models => ViewModels.Linear;

    [Fact]
    public void Given_a_gemma_2_model_the_lens_refuses_it_by_name()
    {
        using var model = ViewModels.Load(ViewModels.GemmaName);
        Assert.True(model.Config.UseNormalizationBeforeAndAfter);
        var tokens = tensor(ViewModels.Prompt(model).Select(i => (long)i).ToArray()).unsqueeze(0); // [1, p]
        var e = Assert.Throws<CircuitFinder.Core.BadInputException>(() => LogitLens.Logits(model, tokens));
        Assert.Contains("sandwich norms", e.Message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Given_any_model_when_the_lens_reads_the_final_stream_then_it_equals_the_models_own_logits(string name)
    {
        using var model = ViewModels.Load(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(ViewModels.Prompt(model).Select(i => (long)i).ToArray()).unsqueeze(0); // [1, p]
        var lens = LogitLens.Logits(model, tokens); // [L+1, 1, p, v]
        Assert.Equal(model.Config.NLayers + 1, lens.shape[0]);
        var own = model.Forward(tokens).to(ScalarType.Float64); // [1, p, v]
        double diff = (lens[-1] - own).abs().max().item<double>();
        Assert.True(diff <= ViewModels.Tolerance, $"{name}: the lens at the last layer differs from the logits by {diff:E2}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Given_any_model_when_attributing_a_logit_difference_then_components_and_bias_terms_sum_to_it_at_every_position(string name)
    {
        using var model = ViewModels.Load(name);
        var ids = ViewModels.Prompt(model);
        var report = LensView.ForPrompt(model, null, ids, answer: 1, wrong: 2, name);
        Assert.Equal(ids.Length, report.Logit.Count);
        for (int p = 0; p < ids.Length; p++)
        {
            double diff = Math.Abs(report.Logit[p] - report.AttributionSum[p]);
            Assert.True(diff <= ViewModels.Tolerance, $"{name}, position {p}: attributions sum to {report.AttributionSum[p]}, the logit difference is {report.Logit[p]}");
            Assert.True(Math.Abs(report.Lens[model.Config.NLayers, p] - report.Logit[p]) <= ViewModels.Tolerance, $"{name}, position {p}: the lens's final row");
        }

        Assert.Contains("b_U", report.Components.Rows);
        Assert.Contains("L0H0", report.Components.Rows);
        Assert.Equal(report.Components.At("L0H1", report.Components.Columns[^1]), report.Heads[0, 1]);
    }

    [Theory]
    [InlineData("zoo:planted-ioi", "planted-ioi")]
    [InlineData("zoo:attn-only-2l", "induction")]
    [InlineData("zoo:toy-ioi", "toy-ioi")]
    public void Given_a_task_when_attributing_at_the_read_positions_then_the_mean_attributions_sum_to_the_mean_logit_difference(string name, string taskName)
    {
        using var loaded = CircuitFinder.Model.Loading.ModelLoader.Load(name);
        Assert.True(CircuitFinder.Tasks.TaskGeneratorCatalog.TryCreate(taskName, out var generator));
        var task = generator!.Generate(8, 3, loaded.Tokenizer, loaded.Model.Config.DVocab);
        var report = LensView.ForTask(loaded.Model, task, name);
        Assert.Equal(["read position"], report.Lens.Columns);
        Assert.True(Math.Abs(report.Logit[0] - report.AttributionSum[0]) <= ViewModels.Tolerance, $"{report.AttributionSum[0]} vs {report.Logit[0]}");
        Assert.True(Math.Abs(report.Lens[loaded.Model.Config.NLayers, 0] - report.Logit[0]) <= ViewModels.Tolerance);
    }
}
