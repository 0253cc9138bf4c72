using static TorchSharp.torch;

namespace CircuitFinder.Model.Routing;

/// <summary>The plain run: every destination reads the residual stream as it is, hooks fire, nothing is recorded.</summary>
public sealed class PlainRoute : IResidualRoute
{
    public static PlainRoute Instance { get; } = new();

    public bool FiresHooks => true;

    public AttentionInput AttentionInput(int layer, Tensor residPre) => Routing.AttentionInput.Of(residPre);

    public Tensor? HeadsWritten(int layer, Tensor z, Tensor? outputGain) => null;

    public MlpInput MlpInput(int layer, Tensor mlpIn) => new(mlpIn);

    public void MlpWritten(int layer, Tensor post, Tensor output, Tensor? outputGain)
    {
    }

    public Tensor FinalInput(Tensor residFinal) => residFinal;
}
