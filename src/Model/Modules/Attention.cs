using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// Multi-head attention with TransformerLens weights and hooks: <c>W_Q, W_K, W_V [n_heads, d_model, d_head]</c>,
/// <c>b_Q, b_K, b_V [n_heads, d_head]</c>, <c>W_O [n_heads, d_head, d_model]</c>, <c>b_O [d_model]</c>.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly HookedTransformerConfig _cfg;
    private readonly int _layer;
    [ComponentName(Name = "W_Q")]
    private readonly Parameter _wQ;

    [ComponentName(Name = "b_Q")]
    private readonly Parameter _bQ;

    [ComponentName(Name = "W_K")]
    private readonly Parameter _wK;

    [ComponentName(Name = "b_K")]
    private readonly Parameter _bK;

    [ComponentName(Name = "W_V")]
    private readonly Parameter _wV;

    [ComponentName(Name = "b_V")]
    private readonly Parameter _bV;

    [ComponentName(Name = "W_O")]
    private readonly Parameter _wO;

    [ComponentName(Name = "b_O")]
    private readonly Parameter _bO;
    [ComponentName(Name = "hook_q")]
    private readonly HookPoint _hookQ = new();

    [ComponentName(Name = "hook_k")]
    private readonly HookPoint _hookK = new();

    [ComponentName(Name = "hook_v")]
    private readonly HookPoint _hookV = new();

    [ComponentName(Name = "hook_z")]
    private readonly HookPoint _hookZ = new();
    [ComponentName(Name = "hook_attn_scores")]
    private readonly HookPoint _hookAttnScores = new();

    [ComponentName(Name = "hook_pattern")]
    private readonly HookPoint _hookPattern = new();

    [ComponentName(Name = "hook_result")]
    private readonly HookPoint _hookResult = new();
    private (Tensor W, Tensor B)? _fusedQkv;

    // Scalars held for the module's lifetime: a temporary double→Scalar can be finalized by the GC while a native op
    // still reads it.
    private readonly Scalar _divisor;
    private readonly Scalar _negativeInfinity = double.NegativeInfinity.ToScalar();

    public Attention(HookedTransformerConfig cfg, int layer)
        : base(nameof(Attention))
    {
        _cfg = cfg;
        _layer = layer;
        _divisor = (cfg.EffectiveAttnScale * (cfg.ScaleAttnByInverseLayerIdx ? layer + 1 : 1)).ToScalar();
        long h = cfg.NHeads, d = cfg.DModel, e = cfg.DHead;
        Parameter P(params long[] shape) => new(zeros(shape), requires_grad: false);
        _wQ = P(h, d, e);
        _wK = P(h, d, e);
        _wV = P(h, d, e);
        _wO = P(h, e, d);
        _bQ = P(h, e);
        _bK = P(h, e);
        _bV = P(h, e);
        _bO = P(d);
        register_parameter("W_Q", _wQ);
        register_parameter("W_K", _wK);
        register_parameter("W_V", _wV);
        register_parameter("W_O", _wO);
        register_parameter("b_Q", _bQ);
        register_parameter("b_K", _bK);
        register_parameter("b_V", _bV);
        register_parameter("b_O", _bO);
        register_module("hook_q", _hookQ);
        register_module("hook_k", _hookK);
        register_module("hook_v", _hookV);
        register_module("hook_attn_scores", _hookAttnScores);
        register_module("hook_pattern", _hookPattern);
        register_module("hook_z", _hookZ);
        register_module("hook_result", _hookResult);
    }

    public Tensor W_Q => _wQ;

    public Tensor W_K => _wK;

    public Tensor W_V => _wV;

    public Tensor W_O => _wO;

    public Tensor b_Q => _bQ;

    public Tensor b_K => _bK;

    public Tensor b_V => _bV;

    public Tensor b_O => _bO;

    /// <summary>Whether <c>hook_result</c> must be computed (per-head outputs) for this call.</summary>
    internal bool NeedsResult(bool useAttnResult) => useAttnResult || _hookResult.HasHooks;

    /// <summary>Drops weights derived from the parameters; call after changing them in place.</summary>
    internal void InvalidateDerivedWeights()
    {
        if (_fusedQkv is { } f)
        {
            f.W.Dispose();
            f.B.Dispose();
        }

        _fusedQkv = null;
    }

    /// <summary>
    /// Inputs are <c>[batch, pos, d_model]</c>, or <c>[batch, pos, head, d_model]</c> when split per head.
    /// <paramref name="blocked"/> is a boolean <c>[batch|1, 1, query_pos, key_pos]</c> mask (true = may not attend), or null.
    /// Returns <c>[batch, pos, d_model]</c>.
    /// </summary>
    public Tensor Forward(Tensor queryInput, Tensor keyInput, Tensor valueInput, Tensor? blocked, bool useAttnResult, bool maskHasPadding)
    {
        var z = Z(queryInput, keyInput, valueInput, blocked, maskHasPadding); // [b, p, h, e]
        if (NeedsResult(useAttnResult))
        {
            return PerHeadResults(z).sum(2).add_(_bO);
        }

        return Output(z);
    }

    /// <summary>
    /// The heads' mixed values <c>hook_z [batch, pos, head, d_head]</c> from q/k/v inputs (shared <c>[b, p, d]</c> or
    /// per head <c>[b, p, h, d]</c>), through <c>hook_q/k/v</c>, <c>hook_attn_scores</c>, <c>hook_pattern</c> and <c>hook_z</c>.
    /// </summary>
    public Tensor Z(Tensor queryInput, Tensor keyInput, Tensor valueInput, Tensor? blocked, bool maskHasPadding)
    {
        long batch = queryInput.shape[0], pos = queryInput.shape[1];
        long h = _cfg.NHeads, e = _cfg.DHead, d = _cfg.DModel;
        Tensor q, k, v;
        if (ReferenceEquals(queryInput, keyInput) && ReferenceEquals(keyInput, valueInput) && queryInput.dim() == 3 && !_wQ.requires_grad)
        {
            var (w, b) = FusedQkv();
            var qkv = addmm(b, queryInput.reshape(batch * pos, d), w, 1, 1).view(batch, pos, 3, h, e); // [b, p, 3, h, e]
            q = qkv.select(2, 0);
            k = qkv.select(2, 1);
            v = qkv.select(2, 2);
        }
        else
        {
            q = Project(queryInput, _wQ, _bQ);
            k = Project(keyInput, _wK, _bK);
            v = Project(valueInput, _wV, _bV);
        }

        q = _hookQ.forward(q); // [b, p, h, e]
        k = _hookK.forward(k); // [b, p, h, e]
        v = _hookV.forward(v); // [b, p, h, e]

        var scores = matmul(q.permute(0, 2, 1, 3), k.permute(0, 2, 3, 1)).div_(_divisor); // [b, h, q, k]
        if (blocked is not null)
        {
            scores = scores.masked_fill(blocked, _negativeInfinity);
        }

        scores = _hookAttnScores.forward(scores);
        var pattern = nn.functional.softmax(scores, -1); // [b, h, q, k]
        if (maskHasPadding)
        {
            pattern = where(pattern.isnan(), zeros_like(pattern), pattern);
        }

        pattern = _hookPattern.forward(pattern);
        var z = matmul(pattern, v.permute(0, 2, 1, 3)).permute(0, 2, 1, 3); // [b, p, h, e]
        return _hookZ.forward(z);
    }

    /// <summary>
    /// Recomputes single heads on their own inputs (edge patching): <paramref name="queryInput"/>,
    /// <paramref name="keyInput"/>, <paramref name="valueInput"/> are normalized <c>[T, batch, pos, d_model]</c>, one row
    /// per (variant, head) pair, <paramref name="heads"/> the head of each row <c>[T]</c>; <paramref name="blocked"/> is the
    /// batch's <c>[batch|1, 1, q, k]</c> mask. Returns <c>z [T, batch, pos, d_head]</c>. No hook point fires.
    /// </summary>
    public Tensor HeadZ(Tensor queryInput, Tensor keyInput, Tensor valueInput, Tensor heads, Tensor? blocked, bool maskHasPadding)
    {
        Tensor Project(Tensor x, Tensor w, Tensor b) =>
            einsum("tbpd,tde->tbpe", x, w.index_select(0, heads)).add_(b.index_select(0, heads).unsqueeze(1).unsqueeze(1)); // [T, b, p, e]

        var q = Project(queryInput, _wQ, _bQ);
        var k = Project(keyInput, _wK, _bK);
        var v = Project(valueInput, _wV, _bV);
        var scores = matmul(q, k.transpose(-1, -2)).div_(_divisor); // [T, b, q, k]
        if (blocked is not null)
        {
            scores = scores.masked_fill(blocked.squeeze(1).unsqueeze(0), _negativeInfinity); // [1, b|1, q, k]
        }

        var pattern = nn.functional.softmax(scores, -1); // [T, b, q, k]
        if (maskHasPadding)
        {
            pattern = where(pattern.isnan(), zeros_like(pattern), pattern);
        }

        return matmul(pattern, v); // [T, b, p, e]
    }

    /// <summary>Each head's output <c>hook_result [batch, pos, head, d_model]</c> = z · W_O per head (no b_O).</summary>
    public Tensor PerHeadResults(Tensor z) => _hookResult.forward(einsum("bphe,hed->bphd", z, _wO)); // [b, p, h, d]

    /// <summary>The summed attention output <c>[batch, pos, d_model]</c> = Σ_h z_h W_O[h] + b_O, in one matmul.</summary>
    public Tensor Output(Tensor z)
    {
        long batch = z.shape[0], pos = z.shape[1], h = _cfg.NHeads, e = _cfg.DHead, d = _cfg.DModel;
        return addmm(_bO, z.reshape(batch * pos, h * e), _wO.view(h * e, d), 1, 1).view(batch, pos, d);
    }

    private static Tensor Project(Tensor input, Tensor w, Tensor b)
    {
        if (input.dim() == 4)
        {
            return einsum("bphd,hde->bphe", input, w).add(b); // [b, p, h, e]
        }

        long batch = input.shape[0], pos = input.shape[1], d = input.shape[2], h = w.shape[0], e = w.shape[2];
        var flat = w.permute(1, 0, 2).reshape(d, h * e); // [d, h*e]
        return addmm(b.reshape(h * e), input.reshape(batch * pos, d), flat, 1, 1).view(batch, pos, h, e);
    }

    private (Tensor W, Tensor B) FusedQkv()
    {
        if (_fusedQkv is { } cached)
        {
            return cached;
        }

        using var noGrad = no_grad();
        long h = _cfg.NHeads, e = _cfg.DHead, d = _cfg.DModel;
        var w = cat([_wQ, _wK, _wV], 0).view(3, h, d, e).permute(2, 0, 1, 3).reshape(d, 3 * h * e).contiguous(); // [d, 3*h*e]
        var b = cat([_bQ, _bK, _bV], 0).reshape(3 * h * e).contiguous(); // [3*h*e]
        w.DetachFromDisposeScope();
        b.DetachFromDisposeScope();
        _fusedQkv = (w, b);
        return (w, b);
    }

    protected override void Dispose(bool disposing)
    {
        InvalidateDerivedWeights();
        base.Dispose(disposing);
    }
}
