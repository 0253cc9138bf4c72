using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>Learned position embedding <c>W_pos [n_ctx, d_model]</c>.</summary>
public sealed class PosEmbed : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "W_pos")]
    private readonly Parameter _wPos; // [n_ctx, d_model]

    public PosEmbed(long nCtx, long dModel)
        : base(nameof(PosEmbed))
    {
        _wPos = new Parameter(zeros(nCtx, dModel), requires_grad: false);
        RegisterComponents();
    }

    public Tensor W_pos => _wPos;

    public override Tensor forward(Tensor tokens)
    {
        // tokens: [batch, pos] -> [batch, pos, d_model]
        long batch = tokens.shape[0], pos = tokens.shape[1];
        return _wPos.narrow(0, 0, pos).unsqueeze(0).expand(batch, pos, _wPos.shape[1]);
    }
}
