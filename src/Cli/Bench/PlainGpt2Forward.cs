using CircuitFinder.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Bench;

/// <summary>
/// The reference "plain path": a nanoGPT-style GPT-2 forward over the same weights with no hook points at all,
/// the same tensor operations as <see cref="HookedTransformer"/>'s fast path. Standard-position LN GPT-2 configs only.
/// </summary>
public sealed class PlainGpt2Forward : IDisposable
{
    private readonly Dictionary<string, Tensor> _w;
    private readonly int _layers, _heads, _dHead, _dModel;
    private readonly double _eps;
    private readonly Tensor _causal;
    private readonly List<(Tensor W, Tensor B)> _qkv = new();

    public PlainGpt2Forward(HookedTransformer model)
    {
        var c = model.Config;
        _layers = c.NLayers;
        _heads = c.NHeads;
        _dHead = c.DHead;
        _dModel = c.DModel;
        _eps = c.Eps;
        _w = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter); // the model's own tensors, not copies
        _causal = ones(c.NCtx, c.NCtx, ScalarType.Bool).tril().logical_not();
        _causal.DetachFromDisposeScope();
        for (int l = 0; l < _layers; l++)
        {
            using var scope = NewDisposeScope();
            var w = cat([_w[$"blocks.{l}.attn.W_Q"], _w[$"blocks.{l}.attn.W_K"], _w[$"blocks.{l}.attn.W_V"]], 0)
                .view(3, _heads, _dModel, _dHead).permute(2, 0, 1, 3).reshape(_dModel, 3 * _heads * _dHead).contiguous(); // [d, 3*h*e]
            var b = cat([_w[$"blocks.{l}.attn.b_Q"], _w[$"blocks.{l}.attn.b_K"], _w[$"blocks.{l}.attn.b_V"]], 0).reshape(-1).contiguous();
            _qkv.Add((w.DetachFromDisposeScope(), b.DetachFromDisposeScope()));
        }
    }

    public Tensor Forward(Tensor tokens)
    {
        // tokens: [b, p]
        using var scope = NewDisposeScope();
        long batch = tokens.shape[0], pos = tokens.shape[1], d = _dModel, h = _heads, e = _dHead;
        var x = _w["embed.W_E"].index_select(0, tokens.reshape(-1)).view(batch, pos, d) + _w["pos_embed.W_pos"].narrow(0, 0, pos); // [b, p, d]
        var mask = _causal.narrow(0, 0, pos).narrow(1, 0, pos); // [p, p]
        for (int l = 0; l < _layers; l++)
        {
            using var layerScope = NewDisposeScope();
            string p = $"blocks.{l}.";
            var a = LayerNorm(x, p + "ln1");
            var qkv = addmm(_qkv[l].B, a.reshape(batch * pos, d), _qkv[l].W, 1, 1).view(batch, pos, 3, h, e); // [b, p, 3, h, e]
            var q = qkv.select(2, 0).permute(0, 2, 1, 3); // [b, h, p, e]
            var k = qkv.select(2, 1).permute(0, 2, 3, 1); // [b, h, e, p]
            var v = qkv.select(2, 2).permute(0, 2, 1, 3); // [b, h, p, e]
            var att = matmul(q, k).div_(Math.Sqrt(e)).masked_fill(mask, double.NegativeInfinity).softmax(-1); // [b, h, p, p]
            var z = matmul(att, v).permute(0, 2, 1, 3).reshape(batch * pos, h * e); // [b*p, h*e]
            x = x + addmm(_w[p + "attn.b_O"], z, _w[p + "attn.W_O"].view(h * e, d), 1, 1).view(batch, pos, d);
            var m = LayerNorm(x, p + "ln2").reshape(batch * pos, d);
            var hidden = nn.functional.gelu(addmm(_w[p + "mlp.b_in"], m, _w[p + "mlp.W_in"], 1, 1), TorchSharp.Modules.GELU.Approximate.tanh);
            x = (x + addmm(_w[p + "mlp.b_out"], hidden, _w[p + "mlp.W_out"], 1, 1).view(batch, pos, d)).MoveToOuterDisposeScope();
        }

        x = LayerNorm(x, "ln_final");
        return matmul(x, _w["unembed.W_U"]).add_(_w["unembed.b_U"]).MoveToOuterDisposeScope(); // [b, p, v]
    }

    private Tensor LayerNorm(Tensor x, string prefix)
    {
        var centred = x - x.mean([-1L], keepdim: true);
        var scale = (centred.pow(2).mean([-1L], keepdim: true) + _eps).sqrt();
        return centred / scale * _w[prefix + ".w"] + _w[prefix + ".b"];
    }

    public void Dispose()
    {
        foreach (var (w, b) in _qkv)
        {
            w.Dispose();
            b.Dispose();
        }

        _causal.Dispose();
    }
}
