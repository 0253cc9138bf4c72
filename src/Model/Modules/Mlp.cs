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
/// TransformerLens MLP: <c>hook_pre = x W_in + b_in</c>; <c>hook_post = act(hook_pre)</c> (for <c>solu_ln</c>,
/// <c>hook_mid = pre · softmax(pre)</c> and <c>hook_post = mlp.ln(hook_mid)</c>; gated:
/// <c>hook_pre = x W_gate</c>, <c>hook_pre_linear = x W_in + b_in</c>, <c>hook_post = act(pre) · pre_linear</c>);
/// out = <c>hook_post W_out + b_out</c>.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly HookedTransformerConfig _cfg;

    [ComponentName(Name = "W_in")]
    private Parameter _wIn; // [d_model, d_mlp]

    [ComponentName(Name = "b_in")]
    private Parameter _bIn; // [d_mlp]

    [ComponentName(Name = "W_gate")]
    private Parameter? _wGate; // [d_model, d_mlp]; gated MLPs

    [ComponentName(Name = "W_out")]
    private Parameter _wOut; // [d_mlp, d_model]

    [ComponentName(Name = "b_out")]
    private Parameter _bOut; // [d_model]

    [ComponentName(Name = "hook_pre")]
    private readonly HookPoint _hookPre = new(); // [batch, pos, d_mlp]

    [ComponentName(Name = "hook_pre_linear")]
    private readonly HookPoint? _hookPreLinear; // [batch, pos, d_mlp]; gated MLPs

    [ComponentName(Name = "hook_mid")]
    private readonly HookPoint? _hookMid; // [batch, pos, d_mlp]; solu_ln

    [ComponentName(Name = "ln")]
    private readonly Normalization? _ln; // over d_mlp; solu_ln

    [ComponentName(Name = "hook_post")]
    private readonly HookPoint _hookPost = new(); // [batch, pos, d_mlp]

    public Mlp(HookedTransformerConfig cfg)
        : base(nameof(Mlp))
    {
        _cfg = cfg;
        long d = cfg.DModel, m = cfg.DMlp;
        _wIn = new Parameter(zeros(d, m), requires_grad: false);
        _bIn = new Parameter(zeros(m), requires_grad: false);
        _wOut = new Parameter(zeros(m, d), requires_grad: false);
        _bOut = new Parameter(zeros(d), requires_grad: false);
        if (cfg.GatedMlp)
        {
            _wGate = new Parameter(zeros(d, m), requires_grad: false);
            _hookPreLinear = new HookPoint();
        }

        if (cfg.ActFn == ActivationFunction.SoluLn)
        {
            _hookMid = new HookPoint();
            _ln = new Normalization(
                cfg.NormalizationType is NormalizationType.LN ? NormalizationType.LN : NormalizationType.LNPre, m, cfg.Eps);
        }

        RegisterComponents(); // each component under its ComponentName, in declaration order
    }

    public Tensor W_in { get => _wIn; private set => _wIn = Moved(value); }

    public Tensor b_in { get => _bIn; private set => _bIn = Moved(value); }

    public Tensor W_out { get => _wOut; private set => _wOut = Moved(value); }

    public Tensor b_out { get => _bOut; private set => _bOut = Moved(value); }

    public Tensor? W_gate { get => _wGate; private set => _wGate = value is null ? null : Moved(value); }

    public override Tensor forward(Tensor x) => Output(Post(x)); // [b, p, d_model] -> [b, p, d_model]

    /// <summary>
    /// The neuron activations <c>hook_post [batch, pos, d_mlp]</c> from a normalized input shared by every neuron
    /// <c>[batch, pos, d_model]</c>, or one input per neuron <c>[batch, pos, d_mlp, d_model]</c> (neuron-level patching).
    /// </summary>
    public Tensor Post(Tensor x)
    {
        var (pre, preLinear) = PreActivations(x);
        return PostFromPre(pre, preLinear);
    }

    /// <summary>
    /// <c>hook_pre [b, p, d_mlp]</c> (and, for gated MLPs, <c>hook_pre_linear</c>) from the normalized input <c>[b, p, d]</c>.
    /// </summary>
    public (Tensor Pre, Tensor? PreLinear) PreActivations(Tensor x)
    {
        if (_wGate is not null)
        {
            var gate = _hookPre.forward(Linear(x, _wGate, null)); // [b, p, m]
            return (gate, _hookPreLinear!.forward(Linear(x, _wIn, _bIn))); // [b, p, m]
        }

        return (_hookPre.forward(Linear(x, _wIn, _bIn)), null); // [b, p, m]
    }

    /// <summary><c>hook_post [b, p, d_mlp]</c> from the pre-activations.</summary>
    public Tensor PostFromPre(Tensor pre, Tensor? preLinear)
    {
        if (preLinear is not null)
        {
            return _hookPost.forward(Activate(pre) * preLinear);
        }

        if (_cfg.ActFn == ActivationFunction.SoluLn)
        {
            var mid = _hookMid!.forward(pre * nn.functional.softmax(pre, -1)); // [b, p, m]
            return _hookPost.forward(_ln!.forward(mid));
        }

        return _hookPost.forward(Activate(pre));
    }

    /// <summary>The MLP output <c>[batch, pos, d_model]</c> = post · W_out + b_out.</summary>
    public Tensor Output(Tensor post)
    {
        long batch = post.shape[0], pos = post.shape[1], d = _cfg.DModel, m = _cfg.DMlp;
        return addmm(_bOut, post.reshape(batch * pos, m), _wOut, 1, 1).view(batch, pos, d);
    }

    private Tensor Linear(Tensor x, Tensor w, Tensor? b)
    {
        long batch = x.shape[0], pos = x.shape[1], d = _cfg.DModel, m = _cfg.DMlp;
        var flat = x.reshape(batch * pos, d); // [b*p, d]
        return (b is null ? matmul(flat, w) : addmm(b, flat, w, 1, 1)).view(batch, pos, m);
    }

    private Tensor Activate(Tensor pre) => _cfg.ActFn switch
    {
        ActivationFunction.GeluNew => nn.functional.gelu(pre, GELU.Approximate.tanh),
        ActivationFunction.Gelu => nn.functional.gelu(pre),
        ActivationFunction.Relu => nn.functional.relu(pre),
        ActivationFunction.Silu => nn.functional.silu(pre),
        _ => throw new InvalidOperationException($"activation {_cfg.ActFn} is not elementwise"),
    };

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
