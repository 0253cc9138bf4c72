using CircuitFinder.Detectors.Weights;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Detectors;

/// <summary>Composition scores: within [0, 1], and equal to the definition ‖W_A W_B‖_F / (‖W_A‖_F ‖W_B‖_F) computed densely.</summary>
public sealed class CompositionScoreTests
{
    [Property(MaxTest = 40)]
    public Property Factored_scores_stay_in_the_unit_interval_and_equal_the_dense_definition(int seed, PositiveInt dHeadSeed)
    {
        int dModel = 6 + (Math.Abs(seed) % 5), dHead = 1 + (dHeadSeed.Get % 4), heads = 2;
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(uint)seed);
        Tensor R(params long[] shape) => randn(shape, dtype: ScalarType.Float64, generator: generator);
        Tensor wQ = R(heads, dModel, dHead), wK = R(heads, dModel, dHead), wV = R(heads, dModel, dHead), wO = R(heads, dHead, dModel);
        Tensor sV = R(heads, dModel, dHead), sO = R(heads, dHead, dModel);
        bool ok = true;
        foreach (var mode in CompositionScores.Modes)
        {
            var (a2, b2) = CompositionScores.Receiver(mode, wQ, wK, wV, wO);
            var fast = CompositionScores.Scores(sV, sO, a2, b2); // [h1, h2]
            for (int i = 0; i < heads; i++)
            {
                for (int j = 0; j < heads; j++)
                {
                    var left = matmul(sV[i], sO[i]); // W_OV of the sender [d, d]
                    var right = mode switch
                    {
                        "q" => matmul(wQ[j], wK[j].t()), // W_QK
                        "k" => matmul(wQ[j], wK[j].t()).t(), // W_QKᵀ
                        _ => matmul(wV[j], wO[j]), // W_OV
                    };
                    double dense = (matmul(left, right).norm() / (left.norm() * right.norm())).item<double>();
                    double value = fast[i, j].item<double>();
                    ok &= value >= 0 && value <= 1 + 1e-12 && Math.Abs(value - dense) < 1e-9;
                }
            }
        }

        return ok.Label($"seed {seed}, d_model {dModel}, d_head {dHead}");
    }

    [Property(MaxTest = 10)]
    public Property Random_baseline_lies_strictly_inside_the_unit_interval(PositiveInt seed)
    {
        double baseline = CompositionScores.Baseline(16, 4, 8, seed.Get);
        return (baseline > 0 && baseline < 1).Label($"baseline {baseline}");
    }
}
