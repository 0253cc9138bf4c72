using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Routing;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// One TransformerLens block: <c>ln1</c>, <c>attn</c>, <c>ln2</c>, <c>mlp</c> and the residual hooks. Sequential
/// (<c>resid_mid = resid_pre + attn_out</c>, <c>resid_post = resid_mid + mlp_out</c>) or parallel
/// (<c>resid_post = resid_pre + attn_out + mlp(ln2(resid_pre))</c>). This is the one block wiring: every kind of run
/// (plain, recording, edge-masked, gradient) goes through <see cref="Forward"/>, and differs only in the
/// <see cref="IResidualRoute"/> that says what each head and the MLP read; causal scrubbing evaluates single heads
/// and MLPs through <see cref="HeadResults"/> and <see cref="MlpOutput"/>, the same code the forward uses.
/// </summary>
public sealed class TransformerBlock : nn.Module
{
    private readonly HookedTransformerConfig _cfg;
    private readonly int _layer;

    [ComponentName(Name = "hook_resid_pre")]
    private readonly HookPoint _hookResidPre = new(); // [batch, pos, d_model]

    [ComponentName(Name = "hook_q_input")]
    private readonly HookPoint _hookQInput = new(); // [batch, pos, head_index, d_model]

    [ComponentName(Name = "hook_k_input")]
    private readonly HookPoint _hookKInput = new(); // [batch, pos, head_index, d_model]

    [ComponentName(Name = "hook_v_input")]
    private readonly HookPoint _hookVInput = new(); // [batch, pos, head_index, d_model]

    [ComponentName(Name = "ln1")]
    private readonly Normalization? _ln1;

    [ComponentName(Name = "attn")]
    private readonly Attention _attn;

    [ComponentName(Name = "ln1_post")]
    private readonly Normalization? _ln1Post; // Gemma 2: the attention output's own RMS norm, before the residual add

    [ComponentName(Name = "hook_attn_out")]
    private readonly HookPoint _hookAttnOut = new(); // [batch, pos, d_model]

    [ComponentName(Name = "hook_resid_mid")]
    private readonly HookPoint? _hookResidMid; // [batch, pos, d_model]; sequential blocks with an MLP

    [ComponentName(Name = "hook_mlp_in")]
    private readonly HookPoint? _hookMlpIn; // [batch, pos, d_model]

    [ComponentName(Name = "ln2")]
    private readonly Normalization? _ln2;

    [ComponentName(Name = "mlp")]
    private readonly Mlp? _mlp;

    [ComponentName(Name = "ln2_post")]
    private readonly Normalization? _ln2Post; // Gemma 2: the MLP output's own RMS norm, before the residual add

    [ComponentName(Name = "hook_mlp_out")]
    private readonly HookPoint? _hookMlpOut; // [batch, pos, d_model]

    [ComponentName(Name = "hook_resid_post")]
    private readonly HookPoint _hookResidPost = new(); // [batch, pos, d_model]

    public TransformerBlock(HookedTransformerConfig cfg, int layer)
        : base(nameof(TransformerBlock))
    {
        _cfg = cfg;
        _layer = layer;
        bool normalized = cfg.NormalizationType != NormalizationType.None;
        _ln1 = normalized ? new Normalization(cfg.NormalizationType, cfg.DModel, cfg.Eps) : null;
        _attn = new Attention(cfg, layer);
        _ln1Post = cfg.UseNormalizationBeforeAndAfter ? new Normalization(NormalizationType.RMS, cfg.DModel, cfg.Eps) : null;
        if (cfg.HasMlp)
        {
            _hookResidMid = cfg.ParallelAttnMlp ? null : new HookPoint();
            _hookMlpIn = new HookPoint();
            _ln2 = normalized ? new Normalization(cfg.NormalizationType, cfg.DModel, cfg.Eps) : null;
            _mlp = new Mlp(cfg);
            _ln2Post = cfg.UseNormalizationBeforeAndAfter ? new Normalization(NormalizationType.RMS, cfg.DModel, cfg.Eps) : null;
            _hookMlpOut = new HookPoint();
        }

        RegisterComponents(); // each module under its ComponentName, in declaration order (TransformerLens' module order)
    }

    public Attention Attn => _attn;

    public Mlp? MlpModule => _mlp;

    /// <summary>The normalization before attention (null when the model has none).</summary>
    public Normalization? Ln1 => _ln1;

    /// <summary>The normalization before the MLP (null when the model has none or no MLP).</summary>
    public Normalization? Ln2 => _ln2;

    /// <summary>Gemma 2's norm of the attention output (null without sandwich norms).</summary>
    public Normalization? Ln1Post => _ln1Post;

    /// <summary>Gemma 2's norm of the MLP output (null without sandwich norms or MLP).</summary>
    public Normalization? Ln2Post => _ln2Post;

    /// <summary>
    /// <paramref name="residPre"/> <c>[n, pos, d_model]</c> through the block, each destination reading what
    /// <paramref name="route"/> gives it. Returns resid_post <c>[n, pos, d_model]</c>.
    /// </summary>
    public Tensor Forward(Tensor residPre, ForwardContext context, IResidualRoute route)
    {
        residPre = _hookResidPre.forward(residPre);
        var z = Z(route.AttentionInput(_layer, residPre), context); // [n, p, h, e]
        Tensor attnRaw; // [n, p, d], before Gemma 2's post-attention norm
        if (_ln1Post is null && route.HeadsWritten(_layer, z, null) is { } headSum && !route.FiresHooks)
        {
            attnRaw = headSum.add_(_attn.b_O, Scalars.One); // the route computed each head's output: their sum, not a second projection of z
        }
        else
        {
            attnRaw = _attn.NeedsResult(context.Options.UseAttnResult)
                ? _attn.PerHeadResults(z).sum(2).add_(_attn.b_O, Scalars.One)
                : _attn.Output(z);
            if (_ln1Post is not null)
            {
                route.HeadsWritten(_layer, z, _ln1Post.Gain(attnRaw));
            }
        }

        var attnOut = _hookAttnOut.forward(_ln1Post is null ? attnRaw : _ln1Post.forward(attnRaw)); // [n, p, d]
        if (_mlp is null)
        {
            return _hookResidPost.forward(residPre.add(attnOut, Scalars.One));
        }

        var mlpIn = _cfg.ParallelAttnMlp ? residPre : _hookResidMid!.forward(residPre.add(attnOut, Scalars.One)); // [n, p, d]
        var input = route.MlpInput(_layer, _hookMlpIn!.HasHooks ? _hookMlpIn.forward(mlpIn.clone()) : mlpIn);
        Tensor post, mlpOut;
        Tensor? mlpGain = null; // Gemma 2's post-MLP norm's w / σ
        if (context.FinalReadPositions is { } read && _layer == _cfg.NLayers - 1 && _ln2Post is null && !route.FiresHooks)
        {
            // only the read positions of the last block's output are used: the MLP runs there alone
            var index = read.view(-1, 1, 1).expand(-1, 1, _cfg.DModel); // [n, 1, d]
            var (pre, preLinear) = _mlp.PreActivations(_ln2.ApplyTo(input.Shared.gather(1, index))); // [n, 1, m]
            post = _mlp.PostFromPre(pre, preLinear); // [n, 1, m]
            mlpOut = zeros_like(mlpIn).scatter_(1, index, _mlp.Output(post)); // [n, p, d], zero away from the read positions
        }
        else
        {
            var (pre, preLinear) = _mlp.PreActivations(_ln2.ApplyTo(input.Shared)); // [n, p, m]
            post = _mlp.PostFromPre(pre, preLinear); // [n, p, m]
            var mlpRaw = _mlp.Output(post); // [n, p, d]
            mlpGain = _ln2Post?.Gain(mlpRaw);
            mlpOut = _hookMlpOut!.forward(_ln2Post is null ? mlpRaw : _ln2Post.forward(mlpRaw)); // [n, p, d]
        }

        route.MlpWritten(_layer, post, mlpOut, mlpGain);
        var residPost = _cfg.ParallelAttnMlp ? residPre.add(attnOut, Scalars.One).add_(mlpOut, Scalars.One) : mlpIn.add(mlpOut, Scalars.One);
        return _hookResidPost.forward(residPost);
    }

    /// <summary>
    /// Single heads' outputs z_h W_O[h] <c>[T, b, pos, d_model]</c> on inputs of their own <c>[T, b, pos, d_model]</c>
    /// (before ln1), <paramref name="heads"/> naming each row's head; no hook fires. <paramref name="context"/> is
    /// the prompts' context (<see cref="ForwardContext.PromptBlocked"/>, <see cref="ForwardContext.PromptPositions"/>).
    /// </summary>
    public Tensor HeadResults(Tensor q, Tensor k, Tensor v, IReadOnlyList<int> heads, ForwardContext context)
    {
        if (_ln1Post is not null)
        {
            // a head's output is its share of the normalized sum of all the layer's heads: it has no value on its own
            throw new NotSupportedException("single heads have no output of their own under sandwich norms (Gemma 2)");
        }

        var z = RowZ(q, k, v, heads, context); // [T, b, p, e]
        var index = tensor(heads.Select(h => (long)h).ToArray(), device: z.device);
        return matmul(z, _attn.W_O.Rows(index).unsqueeze(1)); // [T, b, p, e] x [T, 1, e, d]
    }

    /// <summary>The MLP's output <c>[n, pos, d_model]</c> on <paramref name="mlpIn"/> <c>[n, pos, d_model]</c> (before ln2).</summary>
    public Tensor MlpOutput(Tensor mlpIn) => _mlp is null
        ? throw new InvalidOperationException($"layer {_layer} has no MLP")
        : _ln2Post is null ? _mlp.forward(_ln2.ApplyTo(mlpIn)) : _ln2Post.forward(_mlp.forward(_ln2.ApplyTo(mlpIn)));

    /// <summary>The heads' mixed values <c>[n, pos, head, d_head]</c> for what the route gave them.</summary>
    private Tensor Z(AttentionInput input, ForwardContext context)
    {
        Tensor z;
        if (input.Shared is { } shared && !NeedsSplitInput(context.Options.UseSplitQkvInput))
        {
            var normalized = _ln1.ApplyTo(shared); // [n, p, d]
            var qk = context.Positions is { } pos ? normalized.add(pos, Scalars.One) : normalized; // shortformer
            z = _attn.Z(qk, qk, normalized, context.Blocked, context.MaskHasPadding); // one fused projection
        }
        else
        {
            Tensor q, k, v;
            if (input.Shared is { } residPre)
            {
                // a plain run with split inputs: the hooks (hook_q_input, ln1's hook_scale / hook_normalized) see
                // TransformerLens' [n, p, h, d]; the heads then read it head-major [h, n, p, d]
                var repeated = residPre.unsqueeze(2).expand(-1, -1, _cfg.NHeads, -1); // [n, p, h, d]
                var positions = context.Positions?.unsqueeze(2); // [n, p, 1, d]
                q = Normalize(_hookQInput.forward(repeated.clone()), positions).permute(2, 0, 1, 3);
                k = Normalize(_hookKInput.forward(repeated.clone()), positions).permute(2, 0, 1, 3);
                v = Normalize(_hookVInput.forward(repeated.clone()), null).permute(2, 0, 1, 3);
            }
            else if (_ln1 is not null && context.Positions is null)
            {
                // a route's per-head inputs [h, n, p, d]: ln1 folded into each projection, the normalized inputs never written
                return WithRows(_attn.Mix(_attn.ProjectNormalized(input.Q!, _ln1, 0), _attn.ProjectNormalized(input.K!, _ln1, 1), _attn.ProjectNormalized(input.V!, _ln1, 2), context.Blocked, context.MaskHasPadding), input.Rows, context);
            }
            else
            {
                var positions = context.Positions?.unsqueeze(0); // [1, n, p, d]
                (q, k, v) = (Normalize(input.Q!, positions), Normalize(input.K!, positions), Normalize(input.V!, null)); // [h, n, p, d]
            }

            z = _attn.Z(q, k, v, context.Blocked, context.MaskHasPadding);
        }

        return WithRows(z, input.Rows, context);
    }

    private Tensor WithRows(Tensor z, HeadRows? rows, ForwardContext context) => rows is null ? z : Replace(z, rows, context);

    /// <summary>Whether the per-head q/k/v inputs are materialised for a plain call.</summary>
    private bool NeedsSplitInput(bool useSplitQkvInput) =>
        useSplitQkvInput || _hookQInput.HasHooks || _hookKInput.HasHooks || _hookVInput.HasHooks;

    /// <summary>ln1 of a head input, plus the shortformer positions for queries and keys.</summary>
    private Tensor Normalize(Tensor x, Tensor? positions)
    {
        var normalized = _ln1.ApplyTo(x);
        return positions is null ? normalized : normalized.add(positions, Scalars.One);
    }

    /// <summary>Single heads' values <c>[T, b, pos, d_head]</c> on their own inputs <c>[T, b, pos, d_model]</c>.</summary>
    private Tensor RowZ(Tensor q, Tensor k, Tensor v, IReadOnlyList<int> heads, ForwardContext context)
    {
        var positions = context.PromptPositions; // [b, p, d] broadcasts over rows
        var index = tensor(heads.Select(h => (long)h).ToArray(), device: q.device);
        return _attn.HeadZ(Normalize(q, positions), Normalize(k, positions), Normalize(v, null), index, context.PromptBlocked, context.MaskHasPadding);
    }

    /// <summary><paramref name="z"/> <c>[V·b, p, h, e]</c> with the recomputed heads' rows put in.</summary>
    private Tensor Replace(Tensor z, HeadRows rows, ForwardContext context)
    {
        var zRows = RowZ(rows.Q, rows.K, rows.V, rows.Head, context); // [T, b, p, e]
        long n = z.shape[0], b = n / rows.Variants, p = z.shape[1];
        var patched = z.reshape(rows.Variants, b, p, _cfg.NHeads, _cfg.DHead).clone(); // [V, b, p, h, e]
        for (int t = 0; t < rows.Head.Count; t++)
        {
            patched[rows.Variant[t], TensorIndex.Colon, TensorIndex.Colon, rows.Head[t]] = zRows[t];
        }

        return patched.view(n, p, _cfg.NHeads, _cfg.DHead);
    }
}
