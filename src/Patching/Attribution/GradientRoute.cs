using CircuitFinder.Model.Routing;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// The route of attribution's gradient pass: each head reads its q, k and v inputs through its own view of the residual
/// stream (head-major <c>[h, b, p, d]</c>, an expand, so nothing is copied; one view for all three at head level), each MLP and the
/// unembedding through their own view, so that ∂metric/∂view is the gradient along that destination's path alone.
/// <see cref="Views"/> lists them in slot order: per layer the head channels, then the MLP; last the logits. The views
/// outlive the blocks' dispose scopes (the gradient is taken after the run) and die with the caller's.
/// </summary>
internal sealed class GradientRoute(int channels, int heads) : IResidualRoute
{
    public bool FiresHooks => false;

    public List<Tensor> Views { get; } = [];

    public AttentionInput AttentionInput(int layer, Tensor residPre)
    {
        long b = residPre.shape[0], p = residPre.shape[1], d = residPre.shape[2];
        // moved out of the block's dispose scope: the gradient is taken after the whole run
        var views = Enumerable.Range(0, channels).Select(_ => residPre.unsqueeze(0).expand(heads, b, p, d).MoveToOuterDisposeScope()).ToArray(); // [h, b, p, d] each
        Views.AddRange(views);
        return Model.Routing.AttentionInput.PerHead(views[0], views[Math.Min(1, channels - 1)], views[channels - 1]);
    }

    public Tensor? HeadsWritten(int layer, Tensor z, Tensor? outputGain) => null;

    public MlpInput MlpInput(int layer, Tensor mlpIn)
    {
        var view = mlpIn.view(mlpIn.shape).MoveToOuterDisposeScope(); // [b, p, d]
        Views.Add(view);
        return new MlpInput(view);
    }

    public void MlpWritten(int layer, Tensor post, Tensor output, Tensor? outputGain)
    {
    }

    public Tensor FinalInput(Tensor residFinal)
    {
        var view = residFinal.view(residFinal.shape);
        Views.Add(view);
        return view;
    }
}
