using CircuitFinder.Model;
using CircuitFinder.Model.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Checkpoints;

public sealed class StateDictChecksTests
{
    [Fact]
    public void Finite_weights_pass()
    {
        using var dict = new StateDict("ok.safetensors", [new("w", ones(2, 2)), new("ids", arange(3))]);

        StateDictChecks.EnsureFinite(dict);
    }

    [Fact]
    public void Nan_weight_is_rejected_naming_the_file_and_key()
    {
        var w = ones(2, 3);
        w[1, 2] = tensor(float.NaN);
        using var dict = new StateDict("nan.safetensors", [new("blocks.0.attn.W_Q", w), new("b", zeros(3))]);

        var e = Assert.Throws<BadInputException>(() => StateDictChecks.EnsureFinite(dict));

        Assert.Contains("nan.safetensors", e.Message);
        Assert.Contains("'blocks.0.attn.W_Q' [2, 3] holds 1 NaN or infinite value(s)", e.Message);
    }

    [Fact]
    public void Infinite_half_precision_weight_is_rejected_naming_the_key()
    {
        var w = full(4, float.PositiveInfinity).to(ScalarType.Float16);
        using var dict = new StateDict("inf.safetensors", [new("w", w)]);

        var e = Assert.Throws<BadInputException>(() => StateDictChecks.EnsureFinite(dict));

        Assert.Contains("'w'", e.Message);
    }
}
