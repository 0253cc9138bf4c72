using System.Runtime.CompilerServices;
using CircuitFinder.Model.Routing;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>Token embedding <c>W_E [d_vocab, d_model]</c>.</summary>
public sealed class Embed : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "W_E")]
    private Parameter _wE; // [d_vocab, d_model]

    public Embed(long dVocab, long dModel)
        : base(nameof(Embed))
    {
        _wE = new Parameter(zeros(dVocab, dModel), requires_grad: false);
        RegisterComponents();
    }

    public Tensor W_E { get => _wE; private set => _wE = Moved(value); }

    public override Tensor forward(Tensor tokens)
    {
        // tokens: [batch, pos] -> [batch, pos, d_model]
        long batch = tokens.shape[0], pos = tokens.shape[1];
        return _wE.Rows(tokens.reshape(batch * pos)).view(batch, pos, _wE.shape[1]);
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
