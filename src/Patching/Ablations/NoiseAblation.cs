using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Engine;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Ablations;

/// <summary>
/// Causal tracing (Meng et al. 2022): x̃_s is the source's output when Gaussian noise is added to the input embeddings
/// of the clean prompts; the noise's standard deviation is <see cref="Scale"/> (default 3) times the standard deviation
/// of the clean input embeddings, drawn from a generator seeded with the input's seed.
/// </summary>
public sealed class NoiseAblation : IAblation
{
    public NoiseAblation(double scale = 3.0)
    {
        Scale = scale;
    }

    public double Scale { get; }

    public string Name => "noise";

    public SourceOutputs AblatedOutputs(EdgeMaskedForward engine, AblationInput input)
    {
        using var scope = NewDisposeScope();
        var embeddings = input.CleanRecord.Outputs[engine.Layout.SourceIndex(Node.Input)]; // [b, p, d]
        double sigma = embeddings.std().item<float>() * Scale;
        var noise = randn(embeddings.shape, generator: new Generator((ulong)input.Seed)).to(embeddings.device) * sigma;
        using var record = engine.Record(input.Clean, embeddings.add(noise, Scalars.One));
        return record.Sources.Map(t => t.clone());
    }
}
