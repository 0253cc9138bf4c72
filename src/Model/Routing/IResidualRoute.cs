using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>
/// How the blocks route the residual stream (DESIGN.md, "One forward pass"): the one block wiring asks the route what
/// each destination reads — a layer's heads (q, k, v), its MLP, the unembedding — and tells it what each source wrote.
/// The plain run is the identity (<see cref="PlainRoute"/>); recording, edge-masked patching and attribution's gradient
/// pass are other routes over the same blocks. Calls come in layer order from inside the block's dispose scope: a route
/// that keeps a tensor beyond the call moves it out (<c>MoveToOuterDisposeScope</c>).
/// </summary>
public interface IResidualRoute
{
    /// <summary>Whether hook points fire in this run (only the plain route's runs: RunWithCache, RunWithHooks).</summary>
    bool FiresHooks { get; }

    /// <summary>What layer <paramref name="layer"/>'s heads read, from <paramref name="residPre"/> <c>[n, pos, d_model]</c>.</summary>
    AttentionInput AttentionInput(int layer, Tensor residPre);

    /// <summary>
    /// Layer <paramref name="layer"/>'s mixed values <paramref name="z"/> <c>[n, pos, head, d_head]</c>: head h writes
    /// z_h W_O[h], or, under sandwich norms (Gemma 2), its share of the normalized output (z_h W_O[h] + b_O / n_heads) ·
    /// <paramref name="outputGain"/> <c>[n, pos, d_model]</c> (the post-attention norm's w / σ of this run). Without
    /// sandwich norms, a route that computes every head's output anyway returns their sum Σ_h z_h W_O[h]
    /// <c>[n, pos, d_model]</c> (a new tensor, b_O not added), which the block then uses instead of projecting z again;
    /// otherwise null.
    /// </summary>
    Tensor? HeadsWritten(int layer, Tensor z, Tensor? outputGain);

    /// <summary>What layer <paramref name="layer"/>'s MLP reads, from <paramref name="mlpIn"/> <c>[n, pos, d_model]</c> (before ln2).</summary>
    MlpInput MlpInput(int layer, Tensor mlpIn);

    /// <summary>
    /// Layer <paramref name="layer"/>'s neuron activations <paramref name="post"/> <c>[n, pos, d_mlp]</c> and output
    /// <c>[n, pos, d_model]</c> (after Gemma 2's post-MLP norm, whose gain w / σ <c>[n, pos, d_model]</c> is
    /// <paramref name="outputGain"/>; null without sandwich norms).
    /// </summary>
    void MlpWritten(int layer, Tensor post, Tensor output, Tensor? outputGain);

    /// <summary>What the unembedding reads (before ln_final), from the final residual stream <c>[n, pos, d_model]</c>.</summary>
    Tensor FinalInput(Tensor residFinal);
}
