using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace CircuitFinder.Detectors.Weights;

/// <summary>
/// The copying score of each head (Elhage et al. 2021): Σλ / Σ|λ| over the eigenvalues λ of the full OV circuit
/// W_E W_V W_O W_U <c>[d_vocab, d_vocab]</c>. As TransformerLens' <c>FactoredMatrix.eigenvalues</c> does, the eigenvalues
/// come from the small side, (W_O W_U)(W_E W_V) <c>[d_head, d_head]</c>, which has the same non-zero eigenvalues
/// (formed as W_O (W_U W_E) W_V, so nothing vocabulary-sized is built per head).
/// Positive near 1: the head copies the tokens it attends to; negative near −1: it suppresses them (copy suppression).
/// </summary>
public static class CopyingScores
{
    /// <summary>
    /// Scores <c>[layer * n_heads + head]</c> from <paramref name="wE"/> <c>[d_vocab, d_model]</c>, per-layer W_V
    /// <c>[h, d_model, d_head]</c>, W_O <c>[h, d_head, d_model]</c> and <paramref name="wU"/> <c>[d_model, d_vocab_out]</c>;
    /// when the two vocabularies differ the first min(d_vocab, d_vocab_out) tokens are used.
    /// </summary>
    public static double[] Compute(Tensor wE, IReadOnlyList<Tensor> wV, IReadOnlyList<Tensor> wO, Tensor wU)
    {
        using var scope = NewDisposeScope();
        long vocab = Math.Min(wE.shape[0], wU.shape[1]);
        var embed = wE.narrow(0, 0, vocab).to_type(ScalarType.Float64); // [v, d]
        var unembed = wU.narrow(1, 0, vocab).to_type(ScalarType.Float64); // [d, v]
        var circuit = matmul(unembed, embed); // [d, d] = W_U W_E, shared by every head
        var scores = new List<double>();
        for (int layer = 0; layer < wV.Count; layer++)
        {
            var small = matmul(matmul(wO[layer].to_type(ScalarType.Float64), circuit), wV[layer].to_type(ScalarType.Float64)); // [h, e, e] = W_O W_U W_E W_V
            for (long h = 0; h < small.shape[0]; h++)
            {
                scores.Add(Score(ToArray(small[h])));
            }
        }

        return [.. scores];
    }

    /// <summary>Σλ / Σ|λ| for the eigenvalues of a square matrix (0 for the zero matrix).</summary>
    public static double Score(double[,] matrix)
    {
        var eigen = Matrix<double>.Build.DenseOfArray(matrix).Evd().EigenValues;
        double sum = eigen.Sum(l => l.Real);
        double absolute = eigen.Sum(Complex.Abs);
        return absolute == 0 ? 0 : sum / absolute;
    }

    internal static double[,] ToArray(Tensor square)
    {
        long n = square.shape[0], m = square.shape[1];
        var flat = square.contiguous().data<double>().ToArray();
        var result = new double[n, m];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }
}
