using static TorchSharp.torch;

namespace CircuitFinder.Detectors.Weights;

/// <summary>
/// Q-, K- and V-composition scores (Elhage et al. 2021) between heads of different layers:
/// ‖W_A W_B‖_F / (‖W_A‖_F ‖W_B‖_F) with W_A the sender's OV circuit W_V W_O and W_B the receiver's QK circuit
/// W_Q W_Kᵀ (Q), its transpose (K) or its OV circuit (V), as TransformerLens' <c>all_composition_scores</c> computes them.
/// Every norm is taken on the factored form: with W_A = A₁B₁ and W_B = A₂B₂ (inner size d_head),
/// ‖W_A W_B‖²_F = tr((A₁ᵀA₁) M (B₂B₂ᵀ) Mᵀ) with M = B₁A₂, so only d_head × d_head products are formed.
/// </summary>
public static class CompositionScores
{
    /// <summary>The modes, in column order.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["q", "k", "v"];

    /// <summary>
    /// Every (sender, receiver, mode) pair with the receiver in a later layer. Per-layer weights are TransformerLens' W_Q, W_K,
    /// W_V <c>[h, d_model, d_head]</c> and W_O <c>[h, d_head, d_model]</c>.
    /// </summary>
    public static IReadOnlyList<CompositionPair> All(IReadOnlyList<Tensor> wQ, IReadOnlyList<Tensor> wK, IReadOnlyList<Tensor> wV, IReadOnlyList<Tensor> wO)
    {
        using var scope = NewDisposeScope();
        int layers = wV.Count;
        Tensor D(Tensor t) => t.to_type(ScalarType.Float64);
        var pairs = new List<CompositionPair>();
        for (int sender = 0; sender < layers; sender++)
        {
            var a1 = D(wV[sender]); // [h, d, e]
            var b1 = D(wO[sender]); // [h, e, d]
            for (int receiver = sender + 1; receiver < layers; receiver++)
            {
                foreach (var mode in Modes)
                {
                    var (a2, b2) = Receiver(mode, D(wQ[receiver]), D(wK[receiver]), D(wV[receiver]), D(wO[receiver]));
                    var scores = Scores(a1, b1, a2, b2); // [h_sender, h_receiver]
                    var values = scores.data<double>().ToArray();
                    long h1 = scores.shape[0], h2 = scores.shape[1];
                    for (int i = 0; i < h1; i++)
                    {
                        for (int j = 0; j < h2; j++)
                        {
                            pairs.Add(new CompositionPair(sender, i, receiver, j, mode, values[(i * h2) + j]));
                        }
                    }
                }
            }
        }

        return pairs;
    }

    /// <summary>
    /// The receiver's factors for <paramref name="mode"/>: Q → (W_Q, W_Kᵀ), K → (W_K, W_Qᵀ), V → (W_V, W_O); each
    /// <c>[h, d, e]</c> and <c>[h, e, d]</c>.
    /// </summary>
    public static (Tensor A, Tensor B) Receiver(string mode, Tensor wQ, Tensor wK, Tensor wV, Tensor wO) => mode switch
    {
        "q" => (wQ, wK.transpose(1, 2)),
        "k" => (wK, wQ.transpose(1, 2)),
        "v" => (wV, wO),
        _ => throw new ArgumentException($"unknown composition mode '{mode}' (expected q, k or v)", nameof(mode)),
    };

    /// <summary>
    /// Scores <c>[h₁, h₂]</c> of every sender W_A = A₁B₁ (<paramref name="a1"/> <c>[h₁, d, e]</c>, <paramref name="b1"/>
    /// <c>[h₁, e, d]</c>) into every receiver W_B = A₂B₂ (<c>[h₂, d, e]</c>, <c>[h₂, e, d]</c>), in float64; 0 where a norm is 0.
    /// </summary>
    public static Tensor Scores(Tensor a1, Tensor b1, Tensor a2, Tensor b2)
    {
        var g1 = matmul(a1.transpose(1, 2), a1); // [h1, e, e] = A1ᵀA1
        var n1 = (g1 * matmul(b1, b1.transpose(1, 2))).sum([1L, 2L]); // [h1] = ‖A1B1‖²
        var g2 = matmul(b2, b2.transpose(1, 2)); // [h2, e, e] = B2B2ᵀ
        var n2 = (matmul(a2.transpose(1, 2), a2) * g2).sum([1L, 2L]); // [h2] = ‖A2B2‖²
        var m = einsum("ied,jdf->ijef", b1, a2); // [h1, h2, e, e] = B1A2
        var left = matmul(g1.unsqueeze(1), m); // [h1, h2, e, e] = G1 M
        var product = (matmul(left, g2.unsqueeze(0)) * m).sum([2L, 3L]); // [h1, h2] = tr(G1 M G2 Mᵀ)
        var denominator = (n1.unsqueeze(1) * n2.unsqueeze(0)).sqrt(); // [h1, h2]
        var score = product.clamp_min(0).sqrt() / denominator;
        return where(denominator > 0, score, zeros_like(score));
    }

    /// <summary>
    /// The random baseline: the mean score over every pairing of <paramref name="samples"/> draws of Gaussian matrices with the shapes of
    /// one sender (<c>[d_model, d_head]</c>, <c>[d_head, d_model]</c>) and one receiver.
    /// </summary>
    public static double Baseline(long dModel, long dHead, int samples, int seed) =>
        BaselineCache.GetOrAdd((dModel, dHead, samples, seed), key => ComputeBaseline(key.DModel, key.DHead, key.Samples, key.Seed));

    // Models of one family share shapes: each baseline is drawn once per process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long DModel, long DHead, int Samples, int Seed), double> BaselineCache = new();

    private static double ComputeBaseline(long dModel, long dHead, int samples, int seed)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        // drawn on the CPU on purpose: a seeded CPU generator gives every device the same baseline
        Tensor R(params long[] shape) => randn(shape, dtype: ScalarType.Float64, device: CPU, generator: generator);
        var scores = Scores(R(samples, dModel, dHead), R(samples, dHead, dModel), R(samples, dModel, dHead), R(samples, dHead, dModel)); // [s, s]
        return scores.mean().item<double>();
    }
}
