using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Modules;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CircuitFinder.Model;

/// <summary>
/// The one transformer implementation, configured by <see cref="HookedTransformerConfig"/>, with
/// TransformerLens module paths (<c>embed.W_E</c>, <c>blocks.0.attn.W_Q</c>) and hook points
/// (<c>blocks.0.attn.hook_z</c>). Weights are frozen (no gradient) unless <see cref="SetTrainable"/> is called.
/// </summary>
public sealed class HookedTransformer : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "embed")]
    private readonly Embed _embed;
    [ComponentName(Name = "pos_embed")]
    private readonly PosEmbed? _posEmbed;
    [ComponentName(Name = "blocks")]
    private readonly ModuleList<TransformerBlock> _blocks;
    [ComponentName(Name = "ln_final")]
    private readonly Normalization? _lnFinal;
    [ComponentName(Name = "unembed")]
    private readonly Unembed _unembed;
    [ComponentName(Name = "hook_embed")]
    private readonly HookPoint _hookEmbed = new();

    [ComponentName(Name = "hook_pos_embed")]
    private readonly HookPoint _hookPosEmbed = new();
    private readonly Dictionary<string, HookPoint> _hookPoints;
    private Tensor? _causalMask;

    public HookedTransformer(HookedTransformerConfig config)
        : base(nameof(HookedTransformer))
    {
        Config = config;
        _embed = new Embed(config.DVocab, config.DModel);
        register_module("embed", _embed);
        register_module("hook_embed", _hookEmbed);
        if (config.PositionalEmbeddingType != PositionalEmbeddingType.Rotary)
        {
            _posEmbed = new PosEmbed(config.NCtx, config.DModel);
            register_module("pos_embed", _posEmbed);
            register_module("hook_pos_embed", _hookPosEmbed);
        }

        _blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.NLayers).Select(l => new TransformerBlock(config, l)).ToArray());
        register_module("blocks", _blocks);
        if (config.NormalizationType != NormalizationType.None)
        {
            _lnFinal = new Normalization(config.NormalizationType, config.DModel, config.Eps);
            register_module("ln_final", _lnFinal);
        }

        _unembed = new Unembed(config.DModel, config.EffectiveDVocabOut);
        register_module("unembed", _unembed);

        _hookPoints = new Dictionary<string, HookPoint>(StringComparer.Ordinal);
        foreach (var (name, module) in named_modules())
        {
            if (module is HookPoint hp)
            {
                hp.Name = name;
                _hookPoints[name] = hp;
            }
        }

        HookNames = _hookPoints.Keys.ToList();
    }

    public HookedTransformerConfig Config { get; }

    /// <summary>Every hook point, in module order.</summary>
    public IReadOnlyList<string> HookNames { get; }

    public IReadOnlyList<TransformerBlock> Blocks => _blocks.ToList();

    public Embed Embed => _embed;

    public PosEmbed? PosEmbed => _posEmbed;

    public Unembed Unembed => _unembed;

    /// <summary>The final normalization (null when the model has none).</summary>
    public Normalization? LnFinal => _lnFinal;

    /// <summary>The device the weights live on.</summary>
    public Device Device => _embed.W_E.device;

    /// <summary>Parameter count (weights only, no buffers).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Builds a model and copies <paramref name="weights"/> (TransformerLens keys) into it; see <see cref="LoadWeights"/>.</summary>
    public static HookedTransformer Create(HookedTransformerConfig config, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var model = new HookedTransformer(config);
        try
        {
            model.LoadWeights(weights, source);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies weights named by TransformerLens keys. Every parameter must be present with exactly its shape, and
    /// no unknown key may remain; errors name <paramref name="source"/>, the key and both shapes.
    /// </summary>
    public void LoadWeights(IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var key in weights.Keys)
        {
            if (!parameters.ContainsKey(key))
            {
                throw new BadInputException($"{source}: unexpected key '{key}' for this configuration");
            }
        }

        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            if (!weights.TryGetValue(name, out var value))
            {
                throw new BadInputException($"{source}: missing key '{name}' (expected shape [{string.Join(", ", parameter.shape)}])");
            }

            if (!value.shape.SequenceEqual(parameter.shape))
            {
                throw new BadInputException(
                    $"{source}: key '{name}' has shape [{string.Join(", ", value.shape)}], expected [{string.Join(", ", parameter.shape)}] from the config");
            }

            parameter.copy_(value.to(parameter.dtype));
        }

        InvalidateDerivedWeights();
    }

    /// <summary>The weights in TransformerLens keys and shapes (copies, owned by the caller).</summary>
    public Dictionary<string, Tensor> ToStateDict()
    {
        using var noGrad = no_grad();
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in named_parameters())
        {
            var copy = parameter.detach().clone();
            copy.DetachFromDisposeScope();
            dict[name] = copy;
        }

        return dict;
    }

    /// <summary>Turns gradients for the weights on (training) or off (analysis, the default).</summary>
    public void SetTrainable(bool trainable)
    {
        foreach (var p in parameters())
        {
            p.requires_grad = trainable;
        }

        InvalidateDerivedWeights();
    }

    public override Tensor forward(Tensor tokens) => Forward(tokens);

    /// <summary>
    /// Logits <c>[batch, pos, d_vocab_out]</c> for <paramref name="tokens"/> <c>[batch, pos]</c> (or <c>[pos]</c>).
    /// <paramref name="attentionMask"/> <c>[batch, pos]</c> (1 = real token, 0 = padding) hides padding keys.
    /// </summary>
    public Tensor Forward(Tensor tokens, Tensor? attentionMask = null, ModelRunOptions? options = null)
    {
        options ??= ModelRunOptions.Default;
        using var scope = NewDisposeScope();
        tokens = ValidateTokens(tokens);
        long batch = tokens.shape[0], pos = tokens.shape[1];
        var blocked = BlockedMask(batch, pos, attentionMask); // [b|1, 1, q, k], true = may not attend
        options = options with { MaskHasPadding = attentionMask is not null };

        var embed = _hookEmbed.forward(_embed.forward(tokens)); // [b, p, d]
        Tensor residual = embed;
        Tensor? shortformerPos = null;
        if (_posEmbed is not null)
        {
            var posEmbed = _hookPosEmbed.forward(_posEmbed.forward(tokens)); // [b, p, d]
            if (Config.PositionalEmbeddingType == PositionalEmbeddingType.Shortformer)
            {
                shortformerPos = posEmbed;
            }
            else
            {
                residual = embed.add(posEmbed, Scalars.One);
            }
        }

        foreach (var block in _blocks)
        {
            using var blockScope = NewDisposeScope();
            residual = block.Forward(residual, shortformerPos, blocked, options).MoveToOuterDisposeScope(); // [b, p, d]
        }

        if (_lnFinal is not null)
        {
            residual = _lnFinal.forward(residual);
        }

        return _unembed.forward(residual).MoveToOuterDisposeScope(); // [b, p, d_vocab_out]
    }

    /// <summary>
    /// Runs the model and records the named activations (every hook point that fires, see <see cref="DefaultCacheNames"/>,
    /// when <paramref name="names"/> is null).
    /// Hooks are removed afterwards, also when the forward pass throws.
    /// </summary>
    public (Tensor Logits, ActivationCache Cache) RunWithCache(
        Tensor tokens, IEnumerable<string>? names = null, Tensor? attentionMask = null, ModelRunOptions? options = null, bool keepGraph = false)
    {
        var cache = new ActivationCache();
        options ??= ModelRunOptions.Default;
        var points = (names ?? DefaultCacheNames(options)).Select(GetHookPoint).ToList();
        var handles = points.Select(p => p.Add((activation, hook) =>
        {
            cache.Store(hook.Name, activation, keepGraph);
            return null;
        })).ToList();
        try
        {
            return (Forward(tokens, attentionMask, options), cache);
        }
        catch
        {
            cache.Dispose();
            throw;
        }
        finally
        {
            HookHandle.Combine(handles).Dispose();
        }
    }

    /// <summary>
    /// The hook points that fire under <paramref name="options"/>: per-head results and per-head q/k/v inputs only
    /// when switched on, <c>hook_mlp_in</c> never, as in TransformerLens (naming them explicitly materialises them).
    /// </summary>
    public IEnumerable<string> DefaultCacheNames(ModelRunOptions options) => HookNames.Where(n =>
        (options.UseAttnResult || !n.EndsWith(".attn.hook_result", StringComparison.Ordinal))
        && (options.UseSplitQkvInput || !(n.EndsWith(".hook_q_input", StringComparison.Ordinal) || n.EndsWith(".hook_k_input", StringComparison.Ordinal) || n.EndsWith(".hook_v_input", StringComparison.Ordinal)))
        && !n.EndsWith(".hook_mlp_in", StringComparison.Ordinal));

    /// <summary>Runs the model with the given hooks attached; they are removed afterwards, also when one throws.</summary>
    public Tensor RunWithHooks(
        Tensor tokens, IEnumerable<(string Name, HookFunction Function)> hooks, Tensor? attentionMask = null, ModelRunOptions? options = null)
    {
        var handles = new List<HookHandle>();
        try
        {
            foreach (var (name, function) in hooks)
            {
                handles.Add(AddHook(name, function));
            }

            return Forward(tokens, attentionMask, options);
        }
        finally
        {
            HookHandle.Combine(handles).Dispose();
        }
    }

    /// <summary>Attaches a hook that stays until the returned handle is disposed.</summary>
    public HookHandle AddHook(string name, HookFunction function) => GetHookPoint(name).Add(function);

    /// <summary>Removes every hook from every hook point.</summary>
    public void ResetHooks()
    {
        foreach (var hp in _hookPoints.Values)
        {
            hp.Clear();
        }
    }

    /// <summary>The number of hooks attached anywhere (0 after every RunWithHooks / RunWithCache).</summary>
    public int AttachedHookCount => _hookPoints.Values.Count(h => h.HasHooks);

    public HookPoint GetHookPoint(string name)
    {
        if (_hookPoints.TryGetValue(name, out var hp))
        {
            return hp;
        }

        string nearest = Suggest.Nearest(name, HookNames);
        throw new BadInputException($"unknown hook point '{name}'; did you mean '{nearest}'?");
    }

    internal void InvalidateDerivedWeights()
    {
        foreach (var block in _blocks)
        {
            block.Attn.InvalidateDerivedWeights();
        }
    }

    private Tensor ValidateTokens(Tensor tokens)
    {
        if (tokens.dim() == 1)
        {
            tokens = tokens.unsqueeze(0);
        }

        if (tokens.dim() != 2)
        {
            throw new BadInputException($"tokens must have shape [batch, pos], got [{string.Join(", ", tokens.shape)}]");
        }

        if (tokens.dtype != ScalarType.Int64 && tokens.dtype != ScalarType.Int32)
        {
            throw new BadInputException($"tokens must be integer ids, got dtype {tokens.dtype}");
        }

        if (tokens.shape[1] > Config.NCtx)
        {
            throw new BadInputException($"sequence of {tokens.shape[1]} tokens is longer than n_ctx = {Config.NCtx}");
        }

        if (tokens.shape[1] == 0)
        {
            throw new BadInputException("empty sequence: at least one token is needed");
        }

        long min = tokens.min().item<long>(), max = tokens.max().item<long>();
        if (min < 0 || max >= Config.DVocab)
        {
            long bad = min < 0 ? min : max;
            throw new BadInputException($"token id {bad} is outside the vocabulary (d_vocab = {Config.DVocab})");
        }

        return tokens.to(ScalarType.Int64).to(Device);
    }

    /// <summary>
    /// The attention block mask for a batch: boolean <c>[batch|1, 1, query_pos, key_pos]</c>, true where a query may not
    /// attend (future keys in causal models, padding keys where <paramref name="attentionMask"/> is 0); null when none.
    /// </summary>
    public Tensor? BlockedMask(long batch, long pos, Tensor? attentionMask)
    {
        Tensor? blocked = null;
        if (Config.AttentionDir == AttentionDirection.Causal)
        {
            if (_causalMask is null)
            {
                _causalMask = ones(Config.NCtx, Config.NCtx, ScalarType.Bool, device: Device).triu(1); // true above the diagonal
                _causalMask.DetachFromDisposeScope();
            }

            blocked = _causalMask.narrow(0, 0, pos).narrow(1, 0, pos).unsqueeze(0).unsqueeze(0); // [1, 1, q, k]
        }

        if (attentionMask is not null)
        {
            if (attentionMask.dim() != 2 || attentionMask.shape[0] != batch || attentionMask.shape[1] != pos)
            {
                throw new BadInputException(
                    $"attention mask has shape [{string.Join(", ", attentionMask.shape)}], expected [{batch}, {pos}]");
            }

            var padKeys = attentionMask.to(ScalarType.Bool).to(Device).logical_not().view(batch, 1, 1, pos); // [b, 1, 1, k]
            blocked = blocked is null ? padKeys : blocked.logical_or(padKeys);
        }

        return blocked;
    }

    protected override void Dispose(bool disposing)
    {
        _causalMask?.Dispose();
        _causalMask = null;
        base.Dispose(disposing);
    }
}
