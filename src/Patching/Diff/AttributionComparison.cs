using CircuitFinder.Graph.Diff;
using CircuitFinder.Model;
using CircuitFinder.Patching.Views;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// Direct logit attribution (<see cref="DirectLogitAttribution"/>, TransformerLens' decomposition with each run's cached
/// final scale) of every component to the actual next token at every position, in each model: the means over the text
/// and the mean of |B − A|, ranked by the latter, largest first (ties in component order).
/// </summary>
internal static class AttributionComparison
{
    public static IReadOnlyList<AttributionDiff> Compare(HookedTransformer a, HookedTransformer b, IReadOnlyList<TextWindow> windows, Action<double> progress)
    {
        LinearDecomposition.Require(a, "diff (direct logit attribution of A)");
        LinearDecomposition.Require(b, "diff (direct logit attribution of B)");
        IReadOnlyList<string>? labels = null;
        double[]? sumA = null, sumB = null, sumAbs = null;
        long rows = 0;
        for (int w = 0; w < windows.Count; w++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (valuesA, labelsA) = Attribution(a, windows[w].Ids); // [C, R]
            var (valuesB, _) = Attribution(b, windows[w].Ids); // [C, R]
            valuesB = valuesB.to(valuesA.device);
            labels ??= labelsA;
            Add(ref sumA, BlackBoxDiff.Matrix(valuesA.sum(1)));
            Add(ref sumB, BlackBoxDiff.Matrix(valuesB.sum(1)));
            Add(ref sumAbs, BlackBoxDiff.Matrix((valuesB - valuesA).abs().sum(1)));
            rows += valuesA.shape[1];
            progress((w + 1.0) / windows.Count);
        }

        if (labels is null || rows == 0)
        {
            return [];
        }

        return labels
            .Select((label, i) => (d: new AttributionDiff(label, sumA![i] / rows, sumB![i] / rows, sumAbs![i] / rows), i))
            .OrderByDescending(p => p.d.MeanAbsDifference)
            .ThenBy(p => p.i)
            .Select(p => p.d)
            .ToList();
    }

    /// <summary>The attribution of every component to each position's next token, float64 <c>[C, n-1]</c>.</summary>
    private static (Tensor Values, IReadOnlyList<string> Labels) Attribution(HookedTransformer model, IReadOnlyList<int> ids)
    {
        using var run = ViewRun.Run(model, BlackBoxDiff.Tokens(ids, model.Device), null);
        int rows = ids.Count - 1;
        var prompts = zeros(rows, ScalarType.Int64, model.Device); // [R]
        var positions = arange(rows, ScalarType.Int64, model.Device); // [R]
        var answers = BlackBoxDiff.NextTokens(ids, model.Device); // [R, 1]
        var wrong = zeros(rows, 0, ScalarType.Int64, model.Device); // [R, 0]
        var directions = new LogitDirections(model, answers, wrong);
        return DirectLogitAttribution.Compute(run, prompts, positions, directions); // [C, R]
    }

    private static void Add(ref double[]? sum, double[] values)
    {
        sum ??= new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            sum[i] += values[i];
        }
    }
}
