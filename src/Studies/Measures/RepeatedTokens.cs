using static TorchSharp.torch;

namespace CircuitFinder.Studies.Measures;

/// <summary>
/// Random token spans repeated twice (the induction test of Olsson et al. 2022): <c>[n, 2·span]</c> int64, tokens drawn
/// uniformly from 1 … d_vocab − 1 with <see cref="Random"/>(seed), so the same seed gives the same tokens everywhere.
/// The loss of the second half can fall only through in-context copying.
/// </summary>
public static class RepeatedTokens
{
    /// <summary>The span length for a model: up to 20, at most half of n_ctx and below the vocabulary size.</summary>
    public static int Span(int nCtx, int dVocab) => Math.Max(2, Math.Min(20, Math.Min(nCtx / 2, dVocab - 1)));

    public static Tensor Make(int n, int span, int dVocab, int seed)
    {
        var random = new Random(seed);
        var ids = new long[n * 2 * span];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < span; j++)
            {
                long token = 1 + random.Next(dVocab - 1);
                ids[(i * 2 * span) + j] = token;
                ids[(i * 2 * span) + span + j] = token;
            }
        }

        return tensor(ids, [n, 2 * span], ScalarType.Int64);
    }

    /// <summary>
    /// Mean next-token loss of <paramref name="logits"/> <c>[n, 2·span, v]</c> on <paramref name="tokens"/>, over the predictions
    /// of the first half's tokens 1 … span − 1 (<paramref name="secondHalf"/> false) or the second half's tokens span + 1 … 2·span − 1.
    /// </summary>
    public static double Loss(Tensor logits, Tensor tokens, bool secondHalf)
    {
        using var scope = NewDisposeScope();
        long span = tokens.shape[1] / 2;
        long from = secondHalf ? span : 0; // predictions made at positions from … from + span − 2
        var predictions = logits[TensorIndex.Colon, TensorIndex.Slice(from, from + span - 1)].log_softmax(-1); // [n, span − 1, v]
        var targets = tokens[TensorIndex.Colon, TensorIndex.Slice(from + 1, from + span)].to(logits.device); // [n, span − 1]
        return -predictions.gather(-1, targets.unsqueeze(-1)).mean().item<float>();
    }

    /// <summary>Mean next-token loss of <paramref name="logits"/> <c>[n, p, v]</c> over every prediction (tokens 1 … p − 1).</summary>
    public static double LossAll(Tensor logits, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        long p = tokens.shape[1];
        var predictions = logits[TensorIndex.Colon, TensorIndex.Slice(0, p - 1)].log_softmax(-1); // [n, p − 1, v]
        var targets = tokens[TensorIndex.Colon, TensorIndex.Slice(1, p)].to(logits.device); // [n, p − 1]
        return -predictions.gather(-1, targets.unsqueeze(-1)).mean().item<float>();
    }
}
