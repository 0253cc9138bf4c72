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
        long b = input.Clean.Batch, p = input.Clean.Positions;
        using var record = engine.Record(new PatchingInput(tokens, mask));
        var outputs = record.Outputs; // [s, r, p', d]
        Tensor mean;
        if (PerPosition)
        {
            if (tokens.shape[1] != p)
            {
                throw new ArgumentException($"per-position mean ablation needs reference prompts of length {p}, got {tokens.shape[1]}");
            }

            mean = outputs.mean([1L], keepdim: true); // [s, 1, p, d]
        }
        else
        {
            var weights = (mask ?? ones(tokens.shape[0], tokens.shape[1])).to(outputs.dtype).to(outputs.device).unsqueeze(0).unsqueeze(-1); // [1, r, p', 1]
            mean = (outputs * weights).sum([1L, 2L], keepdim: true) / weights.sum(); // [s, 1, 1, d]
        }

        return mean.expand(outputs.shape[0], b, p, outputs.shape[3]).contiguous().MoveToOuterDisposeScope();
    }
}
