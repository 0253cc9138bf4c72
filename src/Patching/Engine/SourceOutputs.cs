using CircuitFinder.Core;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// Every source's output in one run, or its ablated value x̃: <see cref="Outputs"/> <c>[n_sources, batch, pos, d_model]</c>
/// for the sources that are not neurons, in <see cref="GraphLayout.Sources"/> order; at neuron level the neurons in
/// compact form, <see cref="Post"/> <c>[n_layers, batch, pos, d_mlp]</c>, neuron n of layer l writing
/// post[l, …, n] · W_out[n] (under sandwich norms (post_n W_out[n] + b_out / d_mlp) ⊙ <see cref="Gain"/>[l],
/// <c>[n_layers, batch, pos, d_model]</c>), so a GPT-2-small-sized model's 36,864 neurons cost what 48 d_model rows do.
/// Every ablation is the same operation on each part (<see cref="Map"/>). Owns its tensors.
/// </summary>
public sealed class SourceOutputs : IDisposable
{
    public SourceOutputs(Tensor outputs, Tensor? post = null, Tensor? gain = null)
    {
        Outputs = outputs.DetachFromDisposeScope();
        Post = post?.DetachFromDisposeScope();
        Gain = gain?.DetachFromDisposeScope();
    }

    /// <summary><c>[n_sources, batch, pos, d_model]</c>, the sources other than neurons.</summary>
    public Tensor Outputs { get; }

    /// <summary>At neuron level, each layer's MLP post-activations <c>[n_layers, batch, pos, d_mlp]</c>; null otherwise.</summary>
    public Tensor? Post { get; }

    /// <summary>At neuron level under sandwich norms, each layer's post-MLP norm gain <c>[n_layers, batch, pos, d_model]</c>; null otherwise.</summary>
    public Tensor? Gain { get; }

    /// <summary>Bytes held.</summary>
    public long Bytes => new[] { Outputs, Post, Gain }.Sum(t => t is null ? 0 : t.NumberOfElements * t.ElementSize);

    /// <summary>
    /// <paramref name="map"/> applied to each part (each laid out <c>[rows, batch, pos, features]</c>), as new outputs.
    /// <paramref name="what"/> names the operation when a part cannot take it: a mean of neuron outputs under sandwich
    /// norms is no neuron output of any run (<paramref name="linearOnly"/>), and is refused.
    /// </summary>
    public SourceOutputs Map(Func<Tensor, Tensor> map, string what = "", bool linearOnly = false)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (linearOnly && Gain is not null)
        {
            throw new BadInputException(
                $"{what} at neuron level is not defined for a model with a norm after the MLP: a neuron's output is scaled by each run's own norm, so its mean is no neuron output of one run; use --ablation resample, zero or noise, or --level qkv");
        }

        using var scope = NewDisposeScope();
        var outputs = map(Outputs);
        var post = Post is null ? null : map(Post);
        var gain = Gain is null ? null : map(Gain);
        return new SourceOutputs(outputs, post, gain);
    }

    public void Dispose()
    {
        Outputs.Dispose();
        Post?.Dispose();
        Gain?.Dispose();
    }
}
