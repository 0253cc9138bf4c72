using CircuitFinder.Detectors.Patterns;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Detectors;

/// <summary>The batched scorer against the one-pattern TransformerLens function, sequence by sequence.</summary>
public sealed class AttentionSimilarityPropertyTests
{
    [Property(MaxTest = 30)]
    public Property Batched_scores_are_the_mean_of_per_sequence_scores_for_every_measure_and_exclusion(int seed, bool abs, bool excludeBos, bool excludeCurrent)
    {
        var random = new Random(seed);
        int batch = 1 + random.Next(4), heads = 1 + random.Next(3), n = 2 + random.Next(6);
        var scoring = new PatternScoring(abs ? ErrorMeasure.Abs : ErrorMeasure.Mul, excludeBos, excludeCurrent);
        using var scope = NewDisposeScope();
        var scores = randn([batch, heads, n, n], generator: new Generator((ulong)(uint)seed)); // [b, h, q, k]
        var pattern = scores.masked_fill(ones(n, n).triu(1).to_type(ScalarType.Bool), double.NegativeInfinity).softmax(-1); // causal
        var tokens = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, n).Select(_ => (long)random.Next(3)).ToArray()).ToArray();
        var detections = tokens.Select(DetectionPatterns.Induction).ToArray();
        var detection = stack(detections.Select(d => tensor(d)).ToArray()); // [b, q, k]
        var batched = AttentionSimilarity.Score(pattern, detection, scoring);
        bool ok = true;
        for (int h = 0; h < heads; h++)
        {
            double mean = 0;
            for (int b = 0; b < batch; b++)
            {
                var one = new float[n, n];
                var values = pattern[b, h].data<float>().ToArray();
                Buffer.BlockCopy(values, 0, one, 0, values.Length * sizeof(float));
                mean += AttentionSimilarity.ScoreOne(one, detections[b], scoring) / batch;
            }

            ok &= ((double.IsNaN(mean) && double.IsNaN(batched[h])) || Math.Abs(mean - batched[h]) < 1e-6) && (abs ? batched[h] <= 1 + 1e-9 && batched[h] >= -1 - 1e-9 : double.IsNaN(batched[h]) || (batched[h] >= -1e-9 && batched[h] <= 1 + 1e-6));
        }

        return ok.Label($"batch {batch}, heads {heads}, n {n}, {scoring}");
    }
}
