using System.Runtime.CompilerServices;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Routing;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// Multi-head attention with TransformerLens weights and hooks: <c>W_Q [n_heads, d_model, d_head]</c>,
/// <c>W_K, W_V [n_key_value_heads, d_model, d_head]</c> (n_heads unless grouped-query attention, where query head h reads
/// key/value head h / (n_heads / n_key_value_heads), never copied), <c>b_Q [n_heads, d_head]</c>,
/// <c>b_K, b_V [n_key_value_heads, d_head]</c>, <c>W_O [n_heads, d_head, d_model]</c>, <c>b_O [d_model]</c>.
/// Rotary models rotate queries and keys after <c>hook_q</c>/<c>hook_k</c> (<c>hook_rot_q</c>/<c>hook_rot_k</c>);
/// local layers (GPT-Neo, Mistral, Gemma 2) see only the last <c>window_size</c> positions; Gemma 2's scores are
/// soft-capped before the mask.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly HookedTransformerConfig _cfg;
    private readonly int _layer;

    [ComponentName(Name = "W_Q")]
    private Parameter _wQ; // [n_heads, d_model, d_head]

    [ComponentName(Name = "W_K")]
    private Parameter _wK; // [n_key_value_heads, d_model, d_head]

    [ComponentName(Name = "W_V")]
    private Parameter _wV; // [n_key_value_heads, d_model, d_head]

    [ComponentName(Name = "W_O")]
    private Parameter _wO; // [n_heads, d_head, d_model]

    [ComponentName(Name = "b_Q")]
    private Parameter _bQ; // [n_heads, d_head]

    [ComponentName(Name = "b_K")]
    private Parameter _bK; // [n_key_value_heads, d_head]

    [ComponentName(Name = "b_V")]
    private Parameter _bV; // [n_key_value_heads, d_head]

    [ComponentName(Name = "b_O")]
    private Parameter _bO; // [d_model]

    [ComponentName(Name = "hook_q")]
    private readonly HookPoint _hookQ = new(); // [batch, pos, head_index, d_head]

    [ComponentName(Name = "hook_k")]
    private readonly HookPoint _hookK = new(); // [batch, pos, key_value_head_index, d_head]; [batch, pos, head_index, d_head] for per-head key inputs

    [ComponentName(Name = "hook_v")]
    private readonly HookPoint _hookV = new(); // as hook_k

    [ComponentName(Name = "hook_rot_q")]
    private readonly HookPoint? _hookRotQ; // [batch, pos, head_index, d_head]; rotary models

    [ComponentName(Name = "hook_rot_k")]
    private readonly HookPoint? _hookRotK; // as hook_k; rotary models

    [ComponentName(Name = "hook_attn_scores")]
    private readonly HookPoint _hookAttnScores = new(); // [batch, head_index, query_pos, key_pos]

    [ComponentName(Name = "hook_pattern")]
    private readonly HookPoint _hookPattern = new(); // [batch, head_index, query_pos, key_pos]

    [ComponentName(Name = "hook_z")]
    private readonly HookPoint _hookZ = new(); // [batch, pos, head_index, d_head]

    [ComponentName(Name = "hook_result")]
    private readonly HookPoint _hookResult = new(); // [batch, pos, head_index, d_model]

    // Not components. RegisterComponents() registers every non-null Module, Parameter and Tensor field (a Tensor as a
    // buffer), so the caches below stay out of its reach: the rotary tables live in a plain class, the fused weights in
    // a tuple, and the far-keys mask is null until the first local-attention call.
    private readonly RotaryEmbedding? _rotary;
    private readonly long _groupSize; // query heads per key/value head
    private (Tensor W, Tensor B)? _fusedQkv;
    private readonly FoldedNormProjection _folded = new(); // ln1 folded into the per-head projections (ProjectNormalized)
    private readonly LocalWindowMask? _localWindow; // local layers: the keys further back than the window

    // Scalars held for the module's lifetime: a temporary double→Scalar can be finalized by the GC while a native op
    // still reads it.
    private readonly Scalar _divisor;
    private readonly Scalar _negativeInfinity = double.NegativeInfinity.ToScalar();
    private readonly Scalar? _softCap; // attention scores' soft-cap (Gemma 2); null without one

    public Attention(HookedTransformerConfig cfg, int layer)
        : base(nameof(Attention))
    {
        _cfg = cfg;
        _layer = layer;
        _divisor = (cfg.EffectiveAttnScale * (cfg.ScaleAttnByInverseLayerIdx ? layer + 1 : 1)).ToScalar();
        long h = cfg.NHeads, kv = cfg.EffectiveNKeyValueHeads, d = cfg.DModel, e = cfg.DHead;
        _groupSize = cfg.KeyValueGroupSize;
        _softCap = cfg.HasAttnSoftCap ? cfg.AttnScoresSoftCap.ToScalar() : null;
        _localWindow = cfg.IsLocalAttention(layer) ? new LocalWindowMask(cfg.WindowSize!.Value, cfg.NCtx) : null; // local layers only
        Parameter P(params long[] shape) => new(zeros(shape), requires_grad: false);
        _wQ = P(h, d, e);
        _wK = P(kv, d, e);
        _wV = P(kv, d, e);
        _wO = P(h, e, d);
        _bQ = P(h, e);
        _bK = P(kv, e);
        _bV = P(kv, e);
        _bO = P(d);
        if (cfg.PositionalEmbeddingType == PositionalEmbeddingType.Rotary)
        {
            _rotary = RotaryEmbedding.For(cfg);
            _hookRotQ = new HookPoint();
            _hookRotK = new HookPoint();
        }

        RegisterComponents(); // each component under its ComponentName, in declaration order
    }

    public Tensor W_Q { get => _wQ; private set => _wQ = Moved(value); }

    /// <summary>
    /// Keys' weights per query head <c>[n_heads, d_model, d_head]</c>, as TransformerLens' <c>W_K</c>: the parameter itself,
    /// or under grouped-query attention a new tensor repeating each key/value head for its query heads.
    /// </summary>
    public Tensor W_K { get => PerQueryHead(_wK); private set => _wK = Moved(value); }

    /// <summary>Values' weights per query head <c>[n_heads, d_model, d_head]</c> (see <see cref="W_K"/>).</summary>
    public Tensor W_V { get => PerQueryHead(_wV); private set => _wV = Moved(value); }

    /// <summary>The key weights as stored <c>[n_key_value_heads, d_model, d_head]</c> (TransformerLens' <c>_W_K</c>).</summary>
    public Tensor _W_K => _wK;

    /// <summary>The value weights as stored <c>[n_key_value_heads, d_model, d_head]</c> (TransformerLens' <c>_W_V</c>).</summary>
    public Tensor _W_V => _wV;

    public Tensor W_O { get => _wO; private set => _wO = Moved(value); }

    public Tensor b_Q { get => _bQ; private set => _bQ = Moved(value); }

    /// <summary>Key biases per query head <c>[n_heads, d_head]</c> (see <see cref="W_K"/>).</summary>
    public Tensor b_K { get => PerQueryHead(_bK); private set => _bK = Moved(value); }

    /// <summary>Value biases per query head <c>[n_heads, d_head]</c> (see <see cref="W_K"/>).</summary>
    public Tensor b_V { get => PerQueryHead(_bV); private set => _bV = Moved(value); }

    public Tensor b_O { get => _bO; private set => _bO = Moved(value); }

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
        _folded.Invalidate();
    }

    /// <summary>
    /// The heads' mixed values <c>hook_z [batch, pos, head, d_head]</c> from q/k/v inputs (shared <c>[b, p, d]</c> or
    /// per head, head-major <c>[h, b, p, d]</c>), through <c>hook_q/k/v</c>, <c>hook_attn_scores</c>, <c>hook_pattern</c>
    /// and <c>hook_z</c>. Per-head inputs are head-major so that each projection is one batched product over heads
    /// with no copy of its input.
    /// </summary>
    public Tensor Z(Tensor queryInput, Tensor keyInput, Tensor valueInput, Tensor? blocked, bool maskHasPadding)
    {
        bool perHead = queryInput.dim() == 4;
        long batch = queryInput.shape[perHead ? 1 : 0], pos = queryInput.shape[perHead ? 2 : 1];
        long h = _cfg.NHeads, kv = _cfg.EffectiveNKeyValueHeads, e = _cfg.DHead, d = _cfg.DModel;
        Tensor q, k, v;
        if (ReferenceEquals(queryInput, keyInput) && ReferenceEquals(keyInput, valueInput) && queryInput.dim() == 3 && !_wQ.requires_grad)
        {
            var (w, b) = FusedQkv();
            var qkv = addmm(b, queryInput.reshape(batch * pos, d), w, 1, 1); // [b*p, (h + 2 kv) * e]
            q = qkv.narrow(1, 0, h * e).reshape(batch, pos, h, e);
            k = qkv.narrow(1, h * e, kv * e).reshape(batch, pos, kv, e);
            v = qkv.narrow(1, (h + kv) * e, kv * e).reshape(batch, pos, kv, e);
        }
        else
        {
            q = Project(queryInput, _wQ, _bQ);
            k = ProjectKeyValue(keyInput, _wK, _bK);
            v = ProjectKeyValue(valueInput, _wV, _bV);
        }

        return Mix(q, k, v, blocked, maskHasPadding);
    }

    /// <summary>
    /// The heads' mixed values <c>hook_z [batch, pos, head, d_head]</c> from projected queries <c>[b, p, h, e]</c> and
    /// keys and values <c>[b, p, kv|h, e]</c>, through <c>hook_q/k/v</c>, rotary, <c>hook_attn_scores</c>,
    /// <c>hook_pattern</c> and <c>hook_z</c>.
    /// </summary>
    public Tensor Mix(Tensor q, Tensor k, Tensor v, Tensor? blocked, bool maskHasPadding)
    {
        long batch = q.shape[0], pos = q.shape[1], h = _cfg.NHeads, e = _cfg.DHead;
        q = _hookQ.forward(q); // [b, p, h, e]
        k = _hookK.forward(k); // [b, p, kv, e]; [b, p, h, e] when each query head has its own key input
        v = _hookV.forward(v); // as k
        if (_rotary is not null)
        {
            q = _hookRotQ!.forward(_rotary.Apply(q, 1));
            k = _hookRotK!.forward(_rotary.Apply(k, 1));
        }

        long keyHeads = k.shape[2], group = h / keyHeads, kp = k.shape[1];
        var scores = group == 1
            ? matmul(q.permute(0, 2, 1, 3), k.permute(0, 2, 3, 1)) // [b, h, q, k]
            : matmul(q.permute(0, 2, 1, 3).reshape(batch, keyHeads, group, pos, e), k.permute(0, 2, 3, 1).unsqueeze(2)).view(batch, h, pos, kp); // [b, kv, g, q, e] x [b, kv, 1, e, k]
        scores = SoftCapped(scores.div_(_divisor)); // [b, h, q, k]
        blocked = LayerBlocked(blocked, pos);
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
        var mixed = group == 1
            ? matmul(pattern, v.permute(0, 2, 1, 3)) // [b, h, q, e]
            : matmul(pattern.reshape(batch, keyHeads, group, pos, kp), v.permute(0, 2, 1, 3).unsqueeze(2)).view(batch, h, pos, e); // [b, kv, g, q, k] x [b, kv, 1, k, e]
        var z = mixed.permute(0, 2, 1, 3); // [b, p, h, e]
        return _hookZ.forward(z);
    }

    /// <summary>
    /// Recomputes single heads on their own inputs (edge patching): <paramref name="queryInput"/>,
    /// <paramref name="keyInput"/>, <paramref name="valueInput"/> are normalized <c>[T, batch, pos, d_model]</c>, one row
    /// per (variant, head) pair, <paramref name="heads"/> the (query) head of each row <c>[T]</c>; <paramref name="blocked"/>
    /// is the batch's <c>[batch|1, 1, q, k]</c> mask. Under grouped-query attention a row's key and value come from its
    /// group's shared key/value weights applied to that row's own key/value input. Returns <c>z [T, batch, pos, d_head]</c>.
    /// No hook point fires.
    /// </summary>
    public Tensor HeadZ(Tensor queryInput, Tensor keyInput, Tensor valueInput, Tensor heads, Tensor? blocked, bool maskHasPadding)
    {
        Tensor Project(Tensor x, Tensor w, Tensor b, Tensor index) =>
            einsum("tbpd,tde->tbpe", x, w.Rows(index)).add_(b.Rows(index).unsqueeze(1).unsqueeze(1), Scalars.One); // [T, b, p, e]

        var keyHeads = _groupSize == 1 ? heads : heads.div(_groupSize, RoundingMode.floor); // [T]
        var q = Project(queryInput, _wQ, _bQ, heads);
        var k = Project(keyInput, _wK, _bK, keyHeads);
        var v = Project(valueInput, _wV, _bV, keyHeads);
        if (_rotary is not null)
        {
            q = _rotary.Apply(q, 2);
            k = _rotary.Apply(k, 2);
        }

        var scores = SoftCapped(matmul(q, k.transpose(-1, -2)).div_(_divisor)); // [T, b, q, k]
        blocked = LayerBlocked(blocked, queryInput.shape[2]);
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

    /// <summary>
    /// Each head's output z_h W_O[h] (no b_O; under sandwich norms (z_h W_O[h] + b_O / n_heads) · <paramref name="outputGain"/>
    /// <c>[batch, pos, d_model]</c>, the head's share of the normalized output), head-major for patching:
    /// <c>[head, batch, pos, d_model]</c>, a new tensor the caller may change in place; no hook fires.
    /// </summary>
    public Tensor HeadOutputs(Tensor z, Tensor? outputGain = null)
    {
        long n = z.shape[0], p = z.shape[1], h = z.shape[2], e = z.shape[3], d = _wO.shape[2];
        var heads = z.permute(2, 0, 1, 3).reshape(h, n * p, e); // [h, b·p, e]
        var outputs = bmm(heads, _wO); // [h, b·p, d]
        if (outputGain is not null)
        {
            // sandwich norms: each head's share of the normalized output, b_O split evenly, so the shares sum to hook_attn_out
            outputs = outputs.add_(_bO.div(h), Scalars.One).mul_(outputGain.reshape(1, n * p, d));
        }

        return outputs.view(h, n, p, d);
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
            long n = input.shape[1], p = input.shape[2], heads = input.shape[0];
            var projected = bmm(input.reshape(heads, n * p, input.shape[3]), w).add_(b.unsqueeze(1), Scalars.One); // [h, b*p, e]
            return projected.view(heads, n, p, w.shape[2]).permute(1, 2, 0, 3); // [h, b, p, e] -> [b, p, h, e], a view
        }

        long batch = input.shape[0], pos = input.shape[1], d = input.shape[2], h = w.shape[0], e = w.shape[2];
        var flat = w.permute(1, 0, 2).reshape(d, h * e); // [d, h*e]
        return addmm(b.reshape(h * e), input.reshape(batch * pos, d), flat, 1, 1).view(batch, pos, h, e);
    }

    /// <summary>
    /// Keys or values <c>[b, p, kv, e]</c> from a shared input <c>[b, p, d]</c>; from per-head inputs <c>[h, b, p, d]</c>
    /// (one per query head) <c>[b, p, h, e]</c>, each query head's input through its group's weights (no copy of them).
    /// </summary>
    private Tensor ProjectKeyValue(Tensor input, Tensor w, Tensor b)
    {
        if (input.dim() == 3 || _groupSize == 1)
        {
            return Project(input, w, b);
        }

        long h = input.shape[0], batch = input.shape[1], pos = input.shape[2], d = input.shape[3], kv = w.shape[0], e = w.shape[2];
        var grouped = input.reshape(kv, _groupSize * batch * pos, d); // [kv, g*b*p, d]: a group's query heads are consecutive
        var projected = bmm(grouped, w).add_(b.unsqueeze(1), Scalars.One); // [kv, g*b*p, e]
        return projected.view(h, batch, pos, e).permute(1, 2, 0, 3); // [h, b, p, e] -> [b, p, h, e], a view
    }

    /// <summary>
    /// ln then the q (<paramref name="channel"/> 0), k (1) or v (2) projection of per-head inputs <c>[h, n, p, d]</c>
    /// (head-major, one per query head), equal to projecting <paramref name="norm"/> applied to them: <c>[n, p, h, e]</c>,
    /// without writing the normalized inputs (<see cref="FoldedNormProjection"/>). No hook fires.
    /// </summary>
    internal Tensor ProjectNormalized(Tensor x, Normalization norm, int channel) => channel switch
    {
        0 => _folded.Project(x, norm, _wQ, _bQ, channel, cacheable: !_wQ.requires_grad),
        1 => _folded.Project(x, norm, _wK, _bK, channel, cacheable: !_wQ.requires_grad),
        _ => _folded.Project(x, norm, _wV, _bV, channel, cacheable: !_wQ.requires_grad),
    };

    /// <summary>Gemma 2's soft-cap c·tanh(s / c) of the scaled scores (out of place: tanh's output is saved for the backward pass), before the mask; the scores as they are without one.</summary>
    private Tensor SoftCapped(Tensor scores) => _softCap is { } cap ? scores.div(cap).tanh_().mul(cap) : scores;

    /// <summary>A key/value tensor with a leading head axis, repeated for each query head of its group.</summary>
    private Tensor PerQueryHead(Tensor t) => _groupSize == 1 ? t : t.repeat_interleave(_groupSize, 0);

    /// <summary>The batch's mask, plus (in local layers) the keys further back than the window: <c>[b|1, 1, q, k]</c>.</summary>
    private Tensor? LayerBlocked(Tensor? blocked, long pos) => _localWindow is null ? blocked : _localWindow.Apply(blocked, pos, _wQ.device);

    private (Tensor W, Tensor B) FusedQkv()
    {
        if (_fusedQkv is { } cached)
        {
            return cached;
        }

        using var noGrad = no_grad();
        long d = _cfg.DModel;
        Tensor Columns(Tensor weight) => weight.permute(1, 0, 2).reshape(d, -1); // [heads, d, e] -> [d, heads*e]
        var w = cat([Columns(_wQ), Columns(_wK), Columns(_wV)], 1).contiguous(); // [d, (h + 2 kv) * e]
        var b = cat([_bQ.reshape(-1), _bK.reshape(-1), _bV.reshape(-1)], 0).contiguous(); // [(h + 2 kv) * e]
        w.DetachFromDisposeScope();
        b.DetachFromDisposeScope();
        _fusedQkv = (w, b);
        return (w, b);
    }

    protected override void Dispose(bool disposing)
    {
        InvalidateDerivedWeights();
        _rotary?.Dispose();
        _localWindow?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>
    /// Takes a parameter that TorchSharp's <c>to(device)</c> moved (it sets the public property named like the
    /// parameter) and registers it under that name.
    /// </summary>
    private Parameter Moved(Tensor value, [CallerMemberName] string name = "")
    {
        var parameter = (Parameter)value;
        ConditionallyRegisterParameter(name, parameter);
        InvalidateDerivedWeights(); // the fused projection lives on the old device
        return parameter;
    }
}
