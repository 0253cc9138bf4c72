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

    public SourceOutputs AblatedOutputs(EdgeMaskedForward engine, AblationInput input)
    {
        var tokens = input.ReferenceTokens ?? input.Clean.Tokens;
        var mask = input.ReferenceTokens is null ? input.Clean.AttentionMask : input.ReferenceMask;
        using var mean = ReferenceMean(engine, tokens, mask, (int)Math.Max(1, tokens.shape[0]));
        return Expand(mean, input.Clean.Batch, input.Clean.Positions);
    }

    /// <summary>
    /// The mean source outputs over the reference prompts <paramref name="tokens"/> <c>[r, p']</c>, recorded
    /// <paramref name="chunk"/> prompts at a time (so memory follows the chunk, not r): each part <c>[rows, 1, p', features]</c>
    /// per position, <c>[rows, 1, 1, features]</c> otherwise (weighted by <paramref name="mask"/>'s real positions). At
    /// neuron level the neurons' mean output is their mean post-activations' output (W_out is linear), which a model
    /// with a norm after the MLP does not have: refused there.
    /// </summary>
    public SourceOutputs ReferenceMean(EdgeMaskedForward engine, Tensor tokens, Tensor? mask, int chunk)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunk);
        using var scope = NewDisposeScope();
        long r = tokens.shape[0], p = tokens.shape[1];
        SourceOutputs? sum = null; // each part [rows, 1, p' or 1, features]
        Tensor? weight = null; // [] real positions seen
        for (long start = 0; start < r; start += chunk)
        {
            long n = Math.Min(chunk, r - start);
            using var inner = NewDisposeScope();
            var part = n == r ? tokens : tokens.narrow(0, start, n); // [n, p']
            var partMask = mask is null ? null : n == r ? mask : mask.narrow(0, start, n);
            using var record = engine.Record(new PatchingInput(part, partMask));
            var outputs = record.Outputs; // [s, n, p', d]
            Tensor partWeight;
            Func<Tensor, Tensor> sumOf;
            if (PerPosition)
            {
                sumOf = t => t.sum([1L], keepdim: true); // [s, 1, p', f]
                partWeight = tensor((double)n, ScalarType.Float64, device: outputs.device);
            }
            else
            {
                var weights = (partMask ?? ones(n, p)).to(outputs.dtype).to(outputs.device).unsqueeze(0).unsqueeze(-1); // [1, n, p', 1]
                sumOf = t => (t * weights).sum([1L, 2L], keepdim: true); // [s, 1, 1, f]
                partWeight = weights.sum().to(ScalarType.Float64);
            }

            var partSum = record.Sources.Map(sumOf, $"--ablation {Name}", linearOnly: true);
            if (sum is null || weight is null)
            {
                sum = partSum;
                weight = partWeight.MoveToOuterDisposeScope();
            }
            else
            {
                using (partSum)
                {
                    sum.Outputs.add_(partSum.Outputs);
                    sum.Post?.add_(partSum.Post!);
                }

                weight.add_(partWeight);
            }
        }

        if (sum is null || weight is null)
        {
            throw new ArgumentException("mean ablation needs at least one reference prompt");
        }

        using (sum)
        {
            return sum.Map(t => t / weight.to(t.dtype).to(t.device));
        }
    }

    /// <summary><paramref name="mean"/> from <see cref="ReferenceMean"/> as x̃ for <paramref name="batch"/> prompts of <paramref name="positions"/> tokens.</summary>
    public SourceOutputs Expand(SourceOutputs mean, long batch, long positions)
    {
        ArgumentNullException.ThrowIfNull(mean);
        if (PerPosition && mean.Outputs.shape[2] != positions)
        {
            throw new ArgumentException($"per-position mean ablation needs reference prompts of length {positions}, got {mean.Outputs.shape[2]}");
        }

        return mean.Map(t => t.expand(t.shape[0], batch, positions, t.shape[3]).contiguous()); // [rows, b, p, features]
    }
}
