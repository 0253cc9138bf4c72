using static TorchSharp.torch;

namespace CircuitFinder.Detectors.Patterns;

/// <summary>
/// TransformerLens' <c>compute_head_attention_similarity_score</c>, batched: compares each head's attention pattern with a
/// detection pattern, per sequence, and averages over sequences (as <c>detect_head</c> does for a list of prompts).
/// <list type="bullet">
/// <item><c>mul</c>: with BOS's column and/or the diagonal of the attention zeroed first when excluded,
/// Σ(A ∘ D) / Σ A.</item>
/// <item><c>abs</c>: 1 − round(mean(|A − D|) · seq_len, 3), with BOS's column and/or the diagonal of |A − D| zeroed
/// when excluded (the mean still divides by seq_len²).</item>
/// </list>
/// </summary>
public static class AttentionSimilarity
{
    /// <summary>
    /// Scores per head, averaged over the batch: <paramref name="pattern"/> is <c>[batch, head, q, k]</c>,
    /// <paramref name="detection"/> <c>[batch, q, k]</c> (one detection pattern per sequence). Returns <c>[head]</c>.
    /// </summary>
    public static double[] Score(Tensor pattern, Tensor detection, PatternScoring scoring)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(scoring);
        using var scope = NewDisposeScope();
        long size = pattern.shape[2];
        if (pattern.shape[3] != size || detection.shape[1] != size || detection.shape[2] != size)
        {
            throw new ArgumentException(
                $"attention [{string.Join(", ", pattern.shape)}] and detection [{string.Join(", ", detection.shape)}] patterns must be square and of one size");
        }

        var a = pattern.to_type(ScalarType.Float32); // [b, h, q, k]
        var d = detection.to_type(ScalarType.Float32).unsqueeze(1); // [b, 1, q, k]
        var keep = ExclusionMask(size, scoring, pattern.device); // [q, k]: 0 where excluded
        if (scoring.ErrorMeasure == ErrorMeasure.Mul)
        {
            var masked = keep is null ? a : a * keep; // [b, h, q, k]
            var perSequence = (masked * d).sum([2L, 3L]) / masked.sum([2L, 3L]); // [b, h]
            return perSequence.mean([0L]).to_type(ScalarType.Float64).data<double>().ToArray();
        }

        var diff = (a - d).abs(); // [b, h, q, k]
        if (keep is not null)
        {
            diff *= keep;
        }

        var raw = diff.mean([2L, 3L]) * size; // [b, h], float32 as in TransformerLens
        var values = raw.data<float>().ToArray();
        long batch = raw.shape[0], heads = raw.shape[1];
        var scores = new double[heads];
        for (long b = 0; b < batch; b++)
        {
            for (long h = 0; h < heads; h++)
            {
                scores[h] += (1 - Math.Round((double)values[(b * heads) + h], 3, MidpointRounding.ToEven)) / batch;
            }
        }

        return scores;
    }

    /// <summary>The score of one head's <c>[q, k]</c> pattern against one detection pattern (TransformerLens' function itself).</summary>
    public static double ScoreOne(float[,] attention, float[,] detection, PatternScoring scoring)
    {
        int n = attention.GetLength(0);
        using var scope = NewDisposeScope();
        var a = tensor(attention, device: CPU).reshape(1, 1, n, n); // [1, 1, q, k], from host arrays
        var d = tensor(detection, device: CPU).reshape(1, n, n); // [1, q, k]
        return Score(a, d, scoring)[0];
    }

    /// <summary>1 everywhere except BOS's column and/or the diagonal when excluded; null when nothing is excluded.</summary>
    private static Tensor? ExclusionMask(long size, PatternScoring scoring, Device device)
    {
        if (!scoring.ExcludeBos && !scoring.ExcludeCurrentToken)
        {
            return null;
        }

        var keep = ones(size, size, device: device); // [q, k]
        if (scoring.ExcludeBos)
        {
            keep[TensorIndex.Colon, 0] = zeros(size, device: device);
        }

        if (scoring.ExcludeCurrentToken)
        {
            keep -= eye(size, device: device);
            keep = keep.clamp_min(0);
        }

        return keep;
    }
}
