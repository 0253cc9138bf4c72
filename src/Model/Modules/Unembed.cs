using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>Unembedding <c>W_U [d_model, d_vocab_out]</c>, <c>b_U [d_vocab_out]</c>.</summary>
public sealed class Unembed : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "W_U")]
    private Parameter _wU; // [d_model, d_vocab_out]

    [ComponentName(Name = "b_U")]
    private Parameter _bU; // [d_vocab_out]

    public Unembed(long dModel, long dVocabOut)
        : base(nameof(Unembed))
    {
        _wU = new Parameter(zeros(dModel, dVocabOut), requires_grad: false);
        _bU = new Parameter(zeros(dVocabOut), requires_grad: false);
        RegisterComponents();
    }

    public Tensor W_U { get => _wU; private set => _wU = Moved(value); }

    public Tensor b_U { get => _bU; private set => _bU = Moved(value); }

    public override Tensor forward(Tensor x)
    {
        // x: [batch, pos, d_model] -> [batch, pos, d_vocab_out]
        return matmul(x, _wU).add_(_bU, Scalars.One);
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
