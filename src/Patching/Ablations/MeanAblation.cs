using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>
/// Mean ablation: x̃_s is the source's mean output over a reference set (the clean prompts unless given), either per
/// position (reference prompts must have the clean prompts' length) or over every real (unpadded) position.
/// </summary>
public sealed class MeanAblation : IAblation
{
    public MeanAblation(bool perPosition)
    {
        PerPosition = perPosition;
    }

    public bool PerPosition { get; }

    public string Name => PerPosition ? "mean-positions" : "mean";

    public Tensor AblatedOutputs(EdgeMaskedForward engine, AblationInput input)
    {
        using var scope = NewDisposeScope();
        var tokens = input.ReferenceTokens ?? input.Clean.Tokens;
        var mask = input.ReferenceTokens is null ? input.Clean.AttentionMask : input.ReferenceMask;
        var mean = ReferenceMean(engine, tokens, mask, (int)Math.Max(1, tokens.shape[0]));
        return Expand(mean, input.Clean.Batch, input.Clean.Positions).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The mean source outputs over the reference prompts <paramref name="tokens"/> <c>[r, p']</c>, recorded
    /// <paramref name="chunk"/> prompts at a time (so memory follows the chunk, not r): <c>[n_sources, 1, p', d_model]</c>
    /// per position, <c>[n_sources, 1, 1, d_model]</c> otherwise (weighted by <paramref name="mask"/>'s real positions).
    /// </summary>
    public Tensor ReferenceMean(EdgeMaskedForward engine, Tensor tokens, Tensor? mask, int chunk)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunk);
        using var scope = NewDisposeScope();
        long r = tokens.shape[0], p = tokens.shape[1];
        Tensor? sum = null; // [s, 1, p' or 1, d]
        Tensor? weight = null; // [] real positions seen
        for (long start = 0; start < r; start += chunk)
        {
            long n = Math.Min(chunk, r - start);
            using var inner = NewDisposeScope();
            var part = n == r ? tokens : tokens.narrow(0, start, n); // [n, p']
            var partMask = mask is null ? null : n == r ? mask : mask.narrow(0, start, n);
            using var record = engine.Record(new PatchingInput(part, partMask));
            var outputs = record.Outputs; // [s, n, p', d]
            Tensor partSum, partWeight;
            if (PerPosition)
            {
                partSum = outputs.sum([1L], keepdim: true); // [s, 1, p', d]
                partWeight = tensor((double)n, ScalarType.Float64, device: outputs.device);
            }
            else
            {
                var weights = (partMask ?? ones(n, p)).to(outputs.dtype).to(outputs.device).unsqueeze(0).unsqueeze(-1); // [1, n, p', 1]
                partSum = (outputs * weights).sum([1L, 2L], keepdim: true); // [s, 1, 1, d]
                partWeight = weights.sum().to(ScalarType.Float64);
            }

            if (sum is null || weight is null)
            {
                sum = partSum.MoveToOuterDisposeScope();
                weight = partWeight.MoveToOuterDisposeScope();
            }
            else
            {
                sum.add_(partSum);
                weight.add_(partWeight);
            }
        }

        if (sum is null || weight is null)
        {
            throw new ArgumentException("mean ablation needs at least one reference prompt");
        }

        return (sum / weight.to(sum.dtype).to(sum.device)).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="mean"/> from <see cref="ReferenceMean"/> as x̃ for <paramref name="batch"/> prompts of <paramref name="positions"/> tokens.</summary>
    public Tensor Expand(Tensor mean, long batch, long positions)
    {
        ArgumentNullException.ThrowIfNull(mean);
        if (PerPosition && mean.shape[2] != positions)
        {
            throw new ArgumentException($"per-position mean ablation needs reference prompts of length {positions}, got {mean.shape[2]}");
        }

        return mean.expand(mean.shape[0], batch, positions, mean.shape[3]).contiguous(); // [s, b, p, d]
    }
}
