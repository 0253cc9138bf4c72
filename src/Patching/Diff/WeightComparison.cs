using System.Globalization;
using CircuitFinder.Graph.Diff;
using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// Frobenius norms of weight differences between two same-shaped models, in float64: per parameter (every named
/// parameter), per attention head (its W_Q, W_K, W_V, W_O slices and b_Q, b_K, b_V entries; under grouped-query attention
/// a key/value head counts for each query head that reads it) and per MLP neuron (its W_in and W_gate columns, b_in entry
/// and W_out row). Each list is ranked by relative norm, largest first (ties in model order).
/// </summary>
internal static class WeightComparison
{
    public static IReadOnlyList<WeightDiff> Parameters(HookedTransformer a, HookedTransformer b)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bParameters = b.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var list = new List<WeightDiff>();
        foreach (var (name, pa) in a.named_parameters())
        {
            var x = pa.to(ScalarType.Float64);
            var y = bParameters[name].to(ScalarType.Float64).to(x.device);
            list.Add(new WeightDiff(name, pa.shape, Norm(x), Norm(y), Norm(y - x)));
        }

        return Ranked(list, w => w.Relative);
    }

    public static IReadOnlyList<UnitWeightDiff> Heads(HookedTransformer a, HookedTransformer b)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var list = new List<UnitWeightDiff>();
        for (int l = 0; l < a.Config.NLayers; l++)
        {
            var x = HeadSlices(a, l);
            var y = HeadSlices(b, l);
            list.AddRange(Units(x, y, l, "H"));
        }

        return Ranked(list, u => u.Relative);
    }

    public static IReadOnlyList<UnitWeightDiff> Neurons(HookedTransformer a, HookedTransformer b, int top)
    {
        if (!a.Config.HasMlp)
        {
            return [];
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var list = new List<UnitWeightDiff>();
        for (int l = 0; l < a.Config.NLayers; l++)
        {
            var x = NeuronSlices(a, l);
            var y = NeuronSlices(b, l);
            list.AddRange(Units(x, y, l, "N"));
        }

        return Ranked(list, u => u.Relative).Take(top).ToList();
    }

    /// <summary>Each head's weights flattened, float64 <c>[n_heads, k]</c>.</summary>
    private static Tensor HeadSlices(HookedTransformer model, int layer)
    {
        var attn = model.Blocks[layer].Attn;
        int heads = model.Config.NHeads;
        var parts = new[] { attn.W_Q, attn.W_K, attn.W_V, attn.W_O, attn.b_Q, attn.b_K, attn.b_V };
        return cat(parts.Select(t => t.to(ScalarType.Float64).reshape(heads, -1)).ToArray(), 1); // [h, k]
    }

    /// <summary>Each neuron's weights, float64 <c>[d_mlp, k]</c>.</summary>
    private static Tensor NeuronSlices(HookedTransformer model, int layer)
    {
        var mlp = model.Blocks[layer].MlpModule!;
        var parts = new List<Tensor> { mlp.W_in.to(ScalarType.Float64).t(), mlp.b_in.to(ScalarType.Float64).unsqueeze(1), mlp.W_out.to(ScalarType.Float64) }; // [m, d], [m, 1], [m, d]
        if (mlp.W_gate is { } gate)
        {
            parts.Add(gate.to(ScalarType.Float64).t()); // [m, d]
        }

        return cat(parts.ToArray(), 1); // [m, k]
    }

    private static IEnumerable<UnitWeightDiff> Units(Tensor x, Tensor y, int layer, string letter)
    {
        var normA = BlackBoxDiff.Matrix(x.square().sum(1).sqrt()); // [units]
        var normB = BlackBoxDiff.Matrix(y.square().sum(1).sqrt());
        var diff = BlackBoxDiff.Matrix((y.to(x.device) - x).square().sum(1).sqrt());
        return Enumerable.Range(0, normA.Length).Select(i =>
            new UnitWeightDiff(string.Create(CultureInfo.InvariantCulture, $"L{layer}{letter}{i}"), layer, i, normA[i], normB[i], diff[i]));
    }

    private static double Norm(Tensor t) => t.square().sum().sqrt().item<double>();

    private static List<T> Ranked<T>(List<T> list, Func<T, double> key) =>
        list.Select((item, i) => (item, i)).OrderByDescending(p => key(p.item)).ThenBy(p => p.i).Select(p => p.item).ToList();

    /// <summary>Null where A and B have the same structure, else what differs first.</summary>
    public static string? StructureDifference(HookedTransformer a, HookedTransformer b)
    {
        var (ca, cb) = (a.Config, b.Config);
        if (ca.NLayers != cb.NLayers)
        {
            return $"A has {ca.NLayers} layers, B has {cb.NLayers}";
        }

        if (ca.NHeads != cb.NHeads)
        {
            return $"A has {ca.NHeads} heads per layer, B has {cb.NHeads}";
        }

        if (ca.HasMlp != cb.HasMlp)
        {
            return ca.HasMlp ? "A has MLPs, B is attention-only" : "A is attention-only, B has MLPs";
        }

        var shapesB = b.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        var namesA = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, p) in a.named_parameters())
        {
            namesA.Add(name);
            if (!shapesB.TryGetValue(name, out var shape))
            {
                return $"A has the parameter {name}, B does not";
            }

            if (!shape.SequenceEqual(p.shape))
            {
                return $"{name} is [{string.Join(", ", p.shape)}] in A and [{string.Join(", ", shape)}] in B";
            }
        }

        var extra = shapesB.Keys.FirstOrDefault(n => !namesA.Contains(n));
        return extra is null ? null : $"B has the parameter {extra}, A does not";
    }
}
