using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>Learned position embedding <c>W_pos [n_ctx, d_model]</c>.</summary>
public sealed class PosEmbed : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "W_pos")]
    private Parameter _wPos; // [n_ctx, d_model]

    public PosEmbed(long nCtx, long dModel)
        : base(nameof(PosEmbed))
    {
        _wPos = new Parameter(zeros(nCtx, dModel), requires_grad: false);
        RegisterComponents();
    }

    public Tensor W_pos { get => _wPos; private set => _wPos = Moved(value); }

    public override Tensor forward(Tensor tokens)
    {
        // tokens: [batch, pos] -> [batch, pos, d_model]
        long batch = tokens.shape[0], pos = tokens.shape[1];
        return _wPos.narrow(0, 0, pos).unsqueeze(0).expand(batch, pos, _wPos.shape[1]);
    }

    /// <summary>
    /// Takes a parameter that TorchSharp's <c>to(device)</c> moved (it sets the public property named like the
    /// parameter) and registers it under that name.
    /// </summary>
    private Parameter Moved(Tensor value, [CallerMemberName] string name = "")
    {
        var parameter = (Parameter)value;
        ConditionallyRegisterParameter(name, parameter);
        return parameter;
    }
}
