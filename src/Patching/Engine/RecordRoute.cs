using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Routing;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// The unablated run that records every source's output (<c>input</c>, each head's z_h W_O[h], each MLP; at neuron
/// level each MLP's post-activations and, under sandwich norms, its output gain, from which each neuron's output follows)
/// and the residual stream each destination reads: resid_pre per layer (the heads), each MLP's input and the final
/// stream. Destinations read the stream as it is, so the run is the plain forward; no hook fires.
/// </summary>
internal sealed class RecordRoute : IResidualRoute
{
    private readonly HookedTransformer _model;
    private readonly GraphLayout _layout;

    public RecordRoute(HookedTransformer model, GraphLayout layout, Tensor input)
    {
        _model = model;
        _layout = layout;
        Outputs = new Tensor[layout.Sources.Count];
        Outputs[layout.SourceIndex(Node.Input)] = input;
        MlpIn = new Tensor?[model.Config.NLayers];
        Post = new Tensor?[model.Config.NLayers];
        Gain = new Tensor?[model.Config.NLayers];
    }

    public bool FiresHooks => false;

    /// <summary>Per source other than neurons, <c>[b, p, d]</c>.</summary>
    public Tensor[] Outputs { get; }

    public List<Tensor> ResidPre { get; } = [];

    /// <summary>Per layer, the MLP's input <c>[b, p, d]</c> (null without an MLP).</summary>
    public Tensor?[] MlpIn { get; }

    /// <summary>At neuron level, per layer, the MLP's post-activations <c>[b, p, m]</c>.</summary>
    public Tensor?[] Post { get; }

    /// <summary>At neuron level under sandwich norms, per layer, the post-MLP norm's gain <c>[b, p, d]</c>.</summary>
    public Tensor?[] Gain { get; }

    /// <summary>The recorded outputs, stacked (<see cref="Outputs"/>; at neuron level with the posts and gains).</summary>
    public SourceOutputs Stacked() => new(
        stack(Outputs),
        _layout.NeuronLevel && Post.All(p => p is not null) ? stack(Post!) : null,
        _layout.NeuronLevel && Gain.All(g => g is not null) ? stack(Gain!) : null);

    public AttentionInput AttentionInput(int layer, Tensor residPre)
    {
        ResidPre.Add(residPre);
        return Model.Routing.AttentionInput.Of(residPre);
    }

    public Tensor? HeadsWritten(int layer, Tensor z, Tensor? outputGain)
    {
        var results = _model.Blocks[layer].Attn.HeadOutputs(z, outputGain); // [h, b, p, d]
        for (int h = 0; h < _model.Config.NHeads; h++)
        {
            Outputs[_layout.SourceIndex(Node.Head(layer, h))] = results[h].MoveToOuterDisposeScope();
        }

        return results.sum([0L]); // [b, p, d]
    }

    public MlpInput MlpInput(int layer, Tensor mlpIn)
    {
        // a parallel block's MLP reads resid_pre, which already lives in the run's scope
        MlpIn[layer] = ReferenceEquals(mlpIn, ResidPre[layer]) ? mlpIn : mlpIn.MoveToOuterDisposeScope();
        return new MlpInput(mlpIn);
    }

    public void MlpWritten(int layer, Tensor post, Tensor output, Tensor? outputGain)
    {
        if (!_layout.NeuronLevel)
        {
            Outputs[_layout.SourceIndex(Node.Mlp(layer))] = output.MoveToOuterDisposeScope();
            return;
        }

        Post[layer] = post.MoveToOuterDisposeScope();
        Gain[layer] = outputGain?.MoveToOuterDisposeScope();
    }

    public Tensor FinalInput(Tensor residFinal) => residFinal;
}
