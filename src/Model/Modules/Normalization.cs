using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>
/// TransformerLens' LayerNorm / LayerNormPre / RMSNorm / RMSNormPre, chosen by <see cref="NormalizationType"/>:
/// centre (LN only), divide by <c>hook_scale</c> = √(mean(x²) + eps), then scale and shift by <c>w</c>, <c>b</c>
/// where the kind has them. Output passes <c>hook_normalized</c>.
/// </summary>
public sealed class Normalization : nn.Module<Tensor, Tensor>
{
    private readonly NormalizationType _type;
    private readonly double _eps;

    // Held for the module's lifetime: an implicit double→Scalar made per call can be finalized by the GC while the
    // native op still reads it (seen as "Unknown scalar type" under heavy allocation).
    private readonly Scalar _epsScalar;

    [ComponentName(Name = "w")]
    private readonly Parameter? _w; // [length]; LN and RMS

    [ComponentName(Name = "b")]
    private readonly Parameter? _b; // [length]; LN

    [ComponentName(Name = "hook_scale")]
    private readonly HookPoint _hookScale = new(); // [batch, pos, 1]; [batch, pos, head_index, 1] on split q/k/v inputs

    [ComponentName(Name = "hook_normalized")]
    private readonly HookPoint _hookNormalized = new(); // [batch, pos, length]; [batch, pos, head_index, length] on split q/k/v inputs

    public Normalization(NormalizationType type, long length, double eps)
        : base(nameof(Normalization))
    {
        if (type == NormalizationType.None)
        {
            throw new ArgumentException("no module for normalization None", nameof(type));
        }

        _type = type;
        _eps = eps;
        _epsScalar = eps.ToScalar();
        if (type is NormalizationType.LN or NormalizationType.RMS)
        {
            _w = new Parameter(ones(length), requires_grad: false);
        }

        if (type == NormalizationType.LN)
        {
            _b = new Parameter(zeros(length), requires_grad: false);
        }

        RegisterComponents(); // each component under its ComponentName, in declaration order
    }

    /// <summary>Which normalization this is (never <see cref="NormalizationType.None"/>).</summary>
    public NormalizationType Type => _type;

    /// <summary>Whether the input is centred before scaling (LN, LNPre).</summary>
    public bool Centred => _type is NormalizationType.LN or NormalizationType.LNPre;

    /// <summary>The scale <c>w [length]</c> (LN, RMS), or null.</summary>
    public Tensor? Weight => _w;

    /// <summary>The shift <c>b [length]</c> (LN), or null.</summary>
    public Tensor? Bias => _b;

    /// <summary>The epsilon inside the square root, held as a scalar for the module's lifetime.</summary>
    internal Scalar EpsScalar => _epsScalar;

    /// <summary>
    /// What an RMS norm multiplies <paramref name="x"/> <c>[..., length]</c> by, per element: w / √(mean(x²) + eps)
    /// <c>[..., length]</c> (1 / √(...) broadcast for RMSPre), so that forward(x) = x · Gain(x). No hook fires.
    /// </summary>
    public Tensor Gain(Tensor x)
    {
        if (Centred)
        {
            throw new InvalidOperationException("a centring norm is not a gain");
        }

        var scale = (x * x).mean([-1L], keepdim: true).add_(_epsScalar, Scalars.One).sqrt_(); // [..., 1]
        return _w is null ? scale.reciprocal().expand(x.shape) : _w / scale;
    }

    public override Tensor forward(Tensor x)
    {
        // x: [..., length]
        using var scope = NewDisposeScope();
        if (_type is NormalizationType.LN or NormalizationType.LNPre)
        {
            x = x - x.mean([-1L], keepdim: true);
        }

        var scale = _hookScale.forward((x * x).mean([-1L], keepdim: true).add_(_epsScalar, Scalars.One).sqrt_()); // [..., 1]
        x = x / scale;
        if (_w is not null)
        {
            x = x * _w;
        }

        if (_b is not null)
        {
            x = x.add(_b, Scalars.One);
        }

        return _hookNormalized.forward(x).MoveToOuterDisposeScope();
    }
}
