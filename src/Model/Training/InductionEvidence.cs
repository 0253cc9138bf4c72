using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Training;

/// <summary>
/// Measures whether a model has an induction circuit, on prompts of BOS followed by <c>n</c> random tokens repeated
/// twice: loss on the first vs the second occurrence, and per-head previous-token and induction scores.
/// </summary>
public static class InductionEvidence
{
    public const int DefaultPrompts = 64;
    public const int DefaultRepeatLength = 10;
    public const int DefaultSeed = 12345;

    public static InductionReport Measure(
        HookedTransformer model, int prompts = DefaultPrompts, int repeatLength = DefaultRepeatLength, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = repeatLength, layers = model.Config.NLayers;
        if (1 + (2 * n) > model.Config.NCtx)
        {
            throw new BadInputException($"repeat length {n} needs {1 + (2 * n)} positions, more than n_ctx = {model.Config.NCtx}");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = ToyCorpus.RepeatedRandomTokens(prompts, n, model.Config.DVocab, seed); // [b, 1+2n]
        var names = Enumerable.Range(0, layers).Select(HookName.Pattern).ToList();
        var (logits, cache) = model.RunWithCache(tokens, names); // [b, 1+2n, v]
        using var _ = cache;
        var tokenLoss = -logits.narrow(1, 0, 2 * n).log_softmax(-1)
            .gather(-1, tokens.narrow(1, 1, 2 * n).unsqueeze(-1)).squeeze(-1); // [b, 2n]: loss predicting token p+1
        // The first token of each repeat is unpredictable: score tokens 2..n of the first repeat, 2..n of the second.
        double first = tokenLoss.narrow(1, 1, n - 1).mean().item<float>();
        double second = tokenLoss.narrow(1, n + 1, n - 1).mean().item<float>();

        var heads = new List<HeadScores>();
        for (int layer = 0; layer < layers; layer++)
        {
            var pattern = cache[HookName.Pattern(layer)]; // [b, h, q, k]
            var previous = pattern.diagonal(offset: -1, dim1: 2, dim2: 3).mean([0, 2]); // [h]: q = k + 1
            var induction = pattern.diagonal(offset: -(n - 1), dim1: 2, dim2: 3).narrow(2, 2, n).mean([0, 2]); // [h]: q = n+1..2n, k = q − n + 1
            var prev = previous.data<float>().ToArray();
            var ind = induction.data<float>().ToArray();
            for (int h = 0; h < prev.Length; h++)
            {
                heads.Add(new HeadScores(layer, h, prev[h], ind[h]));
            }
        }

        var bestPrevious = heads.Where(s => s.Layer == 0).MaxBy(s => s.PreviousToken)!;
        var bestInduction = heads.Where(s => s.Layer > 0).MaxBy(s => s.Induction);
        return new InductionReport(prompts, n, first, second, heads, bestPrevious, bestInduction);
    }
}
