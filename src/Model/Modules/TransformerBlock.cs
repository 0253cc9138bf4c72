using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// One TransformerLens block: <c>ln1</c>, <c>attn</c>, <c>ln2</c>, <c>mlp</c> and the residual hooks.
/// Sequential (<c>resid_mid = resid_pre + attn_out</c>, <c>resid_post = resid_mid + mlp_out</c>) or
/// parallel (<c>resid_post = resid_pre + attn_out + mlp(ln2(resid_pre))</c>).
/// </summary>
public sealed class TransformerBlock : nn.Module
{
    private readonly HookedTransformerConfig _cfg;
    [ComponentName(Name = "ln1")]
    private readonly Normalization? _ln1;

    [ComponentName(Name = "ln2")]
    private readonly Normalization? _ln2;
    [ComponentName(Name = "attn")]
    private readonly Attention _attn;
    [ComponentName(Name = "mlp")]
    private readonly Mlp? _mlp;
    [ComponentName(Name = "hook_resid_pre")]
    private readonly HookPoint _hookResidPre = new();

    [ComponentName(Name = "hook_q_input")]
    private readonly HookPoint _hookQInput = new();

    [ComponentName(Name = "hook_k_input")]
    private readonly HookPoint _hookKInput = new();

    [ComponentName(Name = "hook_v_input")]
    private readonly HookPoint _hookVInput = new();
    [ComponentName(Name = "hook_attn_out")]
    private readonly HookPoint _hookAttnOut = new();

    [ComponentName(Name = "hook_resid_mid")]
    private readonly HookPoint _hookResidMid = new();

    [ComponentName(Name = "hook_mlp_in")]
    private readonly HookPoint _hookMlpIn = new();

    [ComponentName(Name = "hook_mlp_out")]
    private readonly HookPoint _hookMlpOut = new();

    [ComponentName(Name = "hook_resid_post")]
    private readonly HookPoint _hookResidPost = new();

    public TransformerBlock(HookedTransformerConfig cfg, int layer)
        : base(nameof(TransformerBlock))
    {
        _cfg = cfg;
        register_module("hook_resid_pre", _hookResidPre);
        register_module("hook_q_input", _hookQInput);
        register_module("hook_k_input", _hookKInput);
        register_module("hook_v_input", _hookVInput);
        if (cfg.NormalizationType != NormalizationType.None)
        {
            _ln1 = new Normalization(cfg.NormalizationType, cfg.DModel, cfg.Eps);
            register_module("ln1", _ln1);
        }

        _attn = new Attention(cfg, layer);
        register_module("attn", _attn);
        register_module("hook_attn_out", _hookAttnOut);
        if (cfg.HasMlp)
        {
            if (!cfg.ParallelAttnMlp)
            {
                register_module("hook_resid_mid", _hookResidMid);
            }

            register_module("hook_mlp_in", _hookMlpIn);
            if (cfg.NormalizationType != NormalizationType.None)
            {
                _ln2 = new Normalization(cfg.NormalizationType, cfg.DModel, cfg.Eps);
                register_module("ln2", _ln2);
            }

            _mlp = new Mlp(cfg);
            register_module("mlp", _mlp);
            register_module("hook_mlp_out", _hookMlpOut);
        }

        register_module("hook_resid_post", _hookResidPost);
    }

    public Attention Attn => _attn;

    public Mlp? MlpModule => _mlp;

    /// <summary>The normalization before attention (null when the model has none).</summary>
    public Normalization? Ln1 => _ln1;

    /// <summary>The normalization before the MLP (null when the model has none or no MLP).</summary>
    public Normalization? Ln2 => _ln2;

    /// <summary>Whether the per-head q/k/v inputs are materialised for this call.</summary>
    internal bool NeedsSplitInput(bool useSplitQkvInput) =>
        useSplitQkvInput || _hookQInput.HasHooks || _hookKInput.HasHooks || _hookVInput.HasHooks;

    /// <summary>
    /// <paramref name="residPre"/> <c>[batch, pos, d_model]</c>; <paramref name="shortformerPos"/> <c>[batch, pos, d_model]</c>
    /// for shortformer models (added to query and key inputs after ln1), else null. Returns <c>[batch, pos, d_model]</c>.
    /// </summary>
    public Tensor Forward(Tensor residPre, Tensor? shortformerPos, Tensor? blocked, ModelRunOptions options)
    {
        residPre = _hookResidPre.forward(residPre);
        Tensor qIn, kIn, vIn;
        if (NeedsSplitInput(options.UseSplitQkvInput))
        {
            var repeated = residPre.unsqueeze(2).expand(-1, -1, _cfg.NHeads, -1); // [b, p, h, d]
            qIn = _ln1.ApplyTo(_hookQInput.forward(repeated.clone()));
            kIn = _ln1.ApplyTo(_hookKInput.forward(repeated.clone()));
            vIn = _ln1.ApplyTo(_hookVInput.forward(repeated.clone()));
            if (shortformerPos is not null)
            {
                var pos = shortformerPos.unsqueeze(2); // [b, p, 1, d]
                qIn = qIn.add(pos, Scalars.One);
                kIn = kIn.add(pos, Scalars.One);
            }
        }
        else
        {
            var normalized = _ln1.ApplyTo(residPre);
            if (shortformerPos is not null)
            {
                qIn = normalized.add(shortformerPos, Scalars.One);
                kIn = qIn;
                vIn = normalized;
            }
            else
            {
                qIn = kIn = vIn = normalized;
            }
        }

        var attnOut = _hookAttnOut.forward(_attn.Forward(qIn, kIn, vIn, blocked, options.UseAttnResult, options.MaskHasPadding));
        if (_mlp is null)
        {
            return _hookResidPost.forward(residPre.add(attnOut, Scalars.One));
        }

        if (_cfg.ParallelAttnMlp)
        {
            var mlpOutParallel = _hookMlpOut.forward(_mlp.forward(_ln2.ApplyTo(MlpIn(residPre))));
            return _hookResidPost.forward(residPre.add(attnOut, Scalars.One).add_(mlpOutParallel, Scalars.One));
        }

        var residMid = _hookResidMid.forward(residPre.add(attnOut, Scalars.One));
        var mlpOut = _hookMlpOut.forward(_mlp.forward(_ln2.ApplyTo(MlpIn(residMid))));
        return _hookResidPost.forward(residMid.add(mlpOut, Scalars.One));
    }

    /// <summary>The MLP's own copy of its input at <c>hook_mlp_in</c> (TransformerLens' <c>use_hook_mlp_in</c>), only when hooked.</summary>
    private Tensor MlpIn(Tensor x) => _hookMlpIn.HasHooks ? _hookMlpIn.forward(x.clone()) : x;
}
