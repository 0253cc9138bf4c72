using CircuitFinder.Model.Config;
using static TorchSharp.torch;

namespace CircuitFinder.Model;

/// <summary>Seeded random weights for a config (GPT-2 style: normal(0, std) matrices, unit norm weights, small biases).</summary>
public static class RandomWeights
{
    public static HookedTransformer CreateModel(HookedTransformerConfig config, long seed, double std = 0.02)
    {
        var model = new HookedTransformer(config);
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            string leaf = name[(name.LastIndexOf('.') + 1)..];
            var value = leaf switch
            {
                "w" => ones(parameter.shape) + (randn(parameter.shape, generator: generator) * 0.1),
                "b" => randn(parameter.shape, generator: generator) * 0.1,
                _ when leaf.StartsWith("b_", StringComparison.Ordinal) => randn(parameter.shape, generator: generator) * std,
                _ => randn(parameter.shape, generator: generator) * std,
            };
            parameter.copy_(value);
        }

        model.InvalidateDerivedWeights();
        return model;
    }
}
