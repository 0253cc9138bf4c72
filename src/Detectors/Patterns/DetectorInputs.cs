using CircuitFinder.Model;

namespace CircuitFinder.Detectors.Patterns;

/// <summary>
/// Seeded token sequences for attention-pattern detectors: BOS (when the tokenizer has one) followed by random tokens
/// (never BOS). Lengths respect TransformerLens' <c>1 &lt; seq_len &lt; n_ctx</c>.
/// </summary>
public static class DetectorInputs
{
    /// <summary>The span length a repeated input uses: <paramref name="wanted"/> capped by n_ctx and by the distinct ids available.</summary>
    public static int RepeatLength(int wanted, int nCtx, int drawable, bool hasBos)
    {
        int byContext = (nCtx - 1 - (hasBos ? 1 : 0)) / 2;
        int n = Math.Min(wanted, Math.Min(byContext, drawable));
        if (n < 1)
        {
            throw new BadInputException($"n_ctx {nCtx} and {drawable} drawable token ids leave no room for a repeated random span");
        }

        return n;
    }

    /// <summary>
    /// <paramref name="count"/> sequences: BOS (if any), then <paramref name="body"/> tokens — for
    /// <see cref="PatternInput.Repeated"/> a span of body/2 distinct tokens twice (one more random token when body is
    /// odd), for <see cref="PatternInput.Random"/> tokens drawn with replacement.
    /// </summary>
    public static long[][] Make(PatternInput kind, int count, int body, int vocabulary, int? bos, int seed)
    {
        var pool = Enumerable.Range(0, vocabulary).Where(t => t != bos).ToArray();
        var random = new Random(unchecked((seed * 31) + (int)kind));
        int span = body / 2;
        var result = new long[count][];
        for (int i = 0; i < count; i++)
        {
            var tokens = new List<long>(body + 1);
            if (bos is { } b)
            {
                tokens.Add(b);
            }

            if (kind == PatternInput.Repeated)
            {
                var drawn = pool.OrderBy(_ => random.Next()).Take(span).Select(t => (long)t).ToList();
                tokens.AddRange(drawn);
                tokens.AddRange(drawn);
            }

            while (tokens.Count < body + (bos is null ? 0 : 1))
            {
                tokens.Add(pool[random.Next(pool.Length)]);
            }

            result[i] = [.. tokens];
        }

        return result;
    }
}
