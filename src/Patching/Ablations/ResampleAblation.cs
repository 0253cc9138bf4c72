using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>Resample ablation: x̃_s is the source's output on the paired corrupted prompt.</summary>
public sealed class ResampleAblation : IAblation
{
    public string Name => "resample";

    public SourceOutputs AblatedOutputs(EdgeMaskedForward engine, AblationInput input)
    {
        var corrupted = input.CorruptedTokens ?? throw new ArgumentException("resample ablation needs corrupted prompts");
        if (!corrupted.shape.SequenceEqual(input.Clean.Tokens.shape))
        {
            throw new ArgumentException(
                $"corrupted prompts have shape [{string.Join(", ", corrupted.shape)}], clean [{string.Join(", ", input.Clean.Tokens.shape)}]");
        }

        using var record = engine.Record(input.Clean with { Tokens = corrupted });
        return record.Sources.Map(t => t.clone());
    }
}
