namespace CircuitFinder.Detectors.Patterns;

/// <summary>
/// The detection patterns of TransformerLens' <c>head_detector</c>, <c>[q, k]</c> 0/1 matrices built from one token
/// sequence (BOS included), plus the attention-sink pattern. All are lower triangular.
/// </summary>
public static class DetectionPatterns
{
    /// <summary>Ones just below the diagonal: each query on the token before it.</summary>
    public static float[,] PreviousToken(IReadOnlyList<long> tokens)
    {
        int n = tokens.Count;
        var d = new float[n, n];
        for (int q = 1; q < n; q++)
        {
            d[q, q - 1] = 1;
        }

        return d;
    }

    /// <summary>Ones where an earlier key holds the query's token (the diagonal excluded).</summary>
    public static float[,] DuplicateToken(IReadOnlyList<long> tokens)
    {
        int n = tokens.Count;
        var d = new float[n, n];
        for (int q = 0; q < n; q++)
        {
            for (int k = 0; k < q; k++)
            {
                d[q, k] = tokens[q] == tokens[k] ? 1 : 0;
            }
        }

        return d;
    }

    /// <summary>
    /// The duplicate-token pattern shifted one key to the right (the token after an earlier copy of the query's token),
    /// with the first column zero and the result made lower triangular, exactly as TransformerLens shifts it.
    /// </summary>
    public static float[,] Induction(IReadOnlyList<long> tokens)
    {
        int n = tokens.Count;
        var duplicate = DuplicateToken(tokens);
        var d = new float[n, n];
        for (int q = 0; q < n; q++)
        {
            for (int k = 1; k <= q; k++)
            {
                d[q, k] = duplicate[q, k - 1];
            }
        }

        return d;
    }

    /// <summary>Every query on the first position (BOS): the attention-sink pattern.</summary>
    public static float[,] FirstPosition(IReadOnlyList<long> tokens)
    {
        int n = tokens.Count;
        var d = new float[n, n];
        for (int q = 0; q < n; q++)
        {
            d[q, 0] = 1;
        }

        return d;
    }

    /// <summary>Whether every entry above the diagonal is zero.</summary>
    public static bool IsLowerTriangular(float[,] pattern)
    {
        for (int q = 0; q < pattern.GetLength(0); q++)
        {
            for (int k = q + 1; k < pattern.GetLength(1); k++)
            {
                if (pattern[q, k] != 0)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
