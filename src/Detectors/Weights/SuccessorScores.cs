using static TorchSharp.torch;

namespace CircuitFinder.Detectors.Weights;

/// <summary>
/// The successor score of each head (Gould et al. 2023): over every ordinal token t whose successor s(t) in its sequence is
/// also a single token, the fraction for which the head's OV circuit, W_E[t] W_V W_O W_U, gives s(t) the largest logit
/// among the tokens of t's sequence.
/// </summary>
public static class SuccessorScores
{
    /// <summary>
    /// Scores <c>[layer * n_heads + head]</c>, and the number of (token, successor) pairs they were computed on (0: no
    /// score). <paramref name="sequences"/> are token ids in order (null: not a single token).
    /// </summary>
    public static (double[] Scores, int Pairs) Compute(
        Tensor wE, IReadOnlyList<Tensor> wV, IReadOnlyList<Tensor> wO, Tensor wU, IEnumerable<IReadOnlyList<int?>> sequences)
    {
        using var scope = NewDisposeScope();
        var tasks = sequences
            .Select(s => s.Where(t => t is not null).Select(t => (long)t!.Value).ToArray() is var members && members.Length > 1
                ? (Members: members, Pairs: s.Zip(s.Skip(1)).Where(p => p.First is not null && p.Second is not null).Select(p => ((long)p.First!.Value, (long)p.Second!.Value)).ToList())
                : (Members: Array.Empty<long>(), Pairs: []))
            .Where(t => t.Pairs.Count > 0)
            .ToList();
        int pairCount = tasks.Sum(t => t.Pairs.Count);
        int heads = (int)wV[0].shape[0];
        var scores = new double[wV.Count * heads];
        if (pairCount == 0)
        {
            return (scores, 0);
        }

        var embed = wE.to_type(ScalarType.Float64);
        var unembed = wU.to_type(ScalarType.Float64);
        for (int layer = 0; layer < wV.Count; layer++)
        {
            var ov = matmul(wV[layer].to_type(ScalarType.Float64), wO[layer].to_type(ScalarType.Float64)); // [h, d, d]
            foreach (var (members, pairs) in tasks)
            {
                var sources = tensor(pairs.Select(p => p.Item1).ToArray(), device: embed.device); // [pairs]
                var candidates = tensor(members, device: embed.device); // [members]
                var logits = matmul(matmul(embed.index_select(0, sources).unsqueeze(0), ov), unembed.index_select(1, candidates)); // [h, pairs, members]
                var best = members.Length > 0 ? logits.argmax(-1).data<long>().ToArray() : []; // [h * pairs]
                for (int h = 0; h < heads; h++)
                {
                    for (int i = 0; i < pairs.Count; i++)
                    {
                        if (members[best[(h * pairs.Count) + i]] == pairs[i].Item2)
                        {
                            scores[(layer * heads) + h] += 1.0 / pairCount;
                        }
                    }
                }
            }
        }

        return (scores, pairCount);
    }
}
