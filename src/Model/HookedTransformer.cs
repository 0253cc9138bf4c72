using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Modules;
using CircuitFinder.Model.Routing;
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

    [ComponentName(Name = "hook_embed")]
    private readonly HookPoint _hookEmbed = new(); // [batch, pos, d_model]

    [ComponentName(Name = "pos_embed")]
    private readonly PosEmbed? _posEmbed; // learned positions (standard, shortformer)

    [ComponentName(Name = "hook_pos_embed")]
    private readonly HookPoint? _hookPosEmbed; // [batch, pos, d_model]; with pos_embed

    [ComponentName(Name = "blocks")]
    private readonly ModuleList<TransformerBlock> _blocks;

    [ComponentName(Name = "ln_final")]
    private readonly Normalization? _lnFinal;

    [ComponentName(Name = "unembed")]
    private readonly Unembed _unembed;

    // Not components (RegisterComponents() takes only Module, Parameter and Tensor fields); the causal mask lives in
    // ForwardInputs, a plain class.
    private readonly Dictionary<string, HookPoint> _hookPoints;
    private readonly ForwardInputs _inputs;
    private readonly Scalar? _outputSoftCap; // held for the model's lifetime (see Attention's scalars)

    public HookedTransformer(HookedTransformerConfig config)
        : base(nameof(HookedTransformer))
    {
        Config = config;
        _embed = new Embed(config.DVocab, config.DModel);
        if (config.PositionalEmbeddingType != PositionalEmbeddingType.Rotary)
        {
            _posEmbed = new PosEmbed(config.NCtx, config.DModel);
            _hookPosEmbed = new HookPoint();
        }

        _blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, config.NLayers).Select(l => new TransformerBlock(config, l)).ToArray());
        _lnFinal = config.NormalizationType != NormalizationType.None ? new Normalization(config.NormalizationType, config.DModel, config.Eps) : null;
        _unembed = new Unembed(config.DModel, config.EffectiveDVocabOut);
        RegisterComponents(); // each module under its ComponentName, in declaration order

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
        _inputs = new ForwardInputs(config, () => Device);
        _outputSoftCap = config.HasOutputSoftCap ? config.OutputLogitsSoftCap.ToScalar() : null;
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
    public Tensor Forward(Tensor tokens, Tensor? attentionMask = null, ModelRunOptions? options = null) =>
        Run(tokens, PlainRoute.Instance, attentionMask, null, null, options);

    /// <summary>
    /// One whole run of <paramref name="tokens"/> <c>[batch, pos]</c> through the blocks, each destination reading what
    /// <paramref name="route"/> gives it; <paramref name="input"/> <c>[batch, pos, d_model]</c> replaces the
    /// <c>input</c> node's output (token + position embeddings) when given. Logits <c>[batch, d_vocab_out]</c> at
    /// <paramref name="readPositions"/> <c>[batch]</c>, or <c>[batch, pos, d_vocab_out]</c> when null.
    /// </summary>
    public Tensor Run(
        Tensor tokens, IResidualRoute route, Tensor? attentionMask = null, Tensor? readPositions = null, Tensor? input = null, ModelRunOptions? options = null)
    {
        using var scope = NewDisposeScope();
        var context = Context(tokens, attentionMask, 1, options);
        var x0 = input ?? Embeddings(ValidateTokens(tokens)).Input; // [b, p, d]
        var final = RunBlocks(0, x0, context, route); // [b, p, d]
        return Logits(final, readPositions, route.FiresHooks).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The run's context for <paramref name="variants"/> copies of the prompts <paramref name="tokens"/> <c>[b, pos]</c>
    /// (the batch is <c>variants · b</c> rows, variant-major), on the model's device.
    /// </summary>
    public ForwardContext Context(Tensor tokens, Tensor? attentionMask, int variants = 1, ModelRunOptions? options = null)
    {
        tokens = ValidateTokens(tokens);
        long b = tokens.shape[0], p = tokens.shape[1];
        var promptBlocked = BlockedMask(b, p, attentionMask); // [b|1, 1, q, k]
        var blocked = attentionMask is null || variants == 1 ? promptBlocked : BlockedMask(variants * b, p, VariantBatch.Repeat(attentionMask, variants));
        var positions = Config.PositionalEmbeddingType == PositionalEmbeddingType.Shortformer ? _posEmbed?.forward(tokens) : null; // [b, p, d]
        return new ForwardContext(
            variants,
            blocked,
            promptBlocked,
            positions is null ? null : VariantBatch.Repeat(positions, variants),
            positions,
            attentionMask is not null,
            options ?? ModelRunOptions.Default);
    }

    /// <summary>
    /// The <c>input</c> node's output <c>[b, pos, d_model]</c> (token embeddings, plus position embeddings where they
    /// enter the residual stream) and, for shortformer models, the position embeddings <c>[b, pos, d_model]</c>.
    /// </summary>
    public (Tensor Input, Tensor? Positions) Embeddings(Tensor tokens)
    {
        tokens = ValidateTokens(tokens);
        var embed = _hookEmbed.forward(_embed.forward(tokens)); // [b, p, d]
        if (_posEmbed is null)
        {
            return (embed, null);
        }

        var posEmbed = _hookPosEmbed!.forward(_posEmbed.forward(tokens)); // [b, p, d]
        return Config.PositionalEmbeddingType == PositionalEmbeddingType.Shortformer ? (embed, posEmbed) : (embed.add(posEmbed, Scalars.One), null);
    }

    /// <summary>
    /// Blocks <paramref name="fromLayer"/> … n_layers − 1 on <paramref name="resid"/> <c>[n, pos, d_model]</c> (the
    /// residual stream entering <paramref name="fromLayer"/>), routed by <paramref name="route"/>; returns what the
    /// unembedding reads (<see cref="IResidualRoute.FinalInput"/>, before ln_final) <c>[n, pos, d_model]</c>. Each block
    /// runs in its own dispose scope; hook points fire only when the route says so.
    /// </summary>
    public Tensor RunBlocks(int fromLayer, Tensor resid, ForwardContext context, IResidualRoute route)
    {
        using var hooks = route.FiresHooks ? null : SuspendHooks();
        for (int l = fromLayer; l < Config.NLayers; l++)
        {
            using var blockScope = NewDisposeScope();
            resid = _blocks[l].Forward(resid, context, route).MoveToOuterDisposeScope(); // [n, p, d]
        }

        return route.FinalInput(resid);
    }

    /// <summary>
    /// The unembedding of <paramref name="final"/> <c>[n, pos, d_model]</c> (before ln_final): logits
    /// <c>[n, d_vocab_out]</c> at <paramref name="readPositions"/> <c>[n]</c>, or <c>[n, pos, d_vocab_out]</c> when null.
    /// </summary>
    public Tensor Logits(Tensor final, Tensor? readPositions = null, bool fireHooks = true)
    {
        using var hooks = fireHooks ? null : SuspendHooks();
        if (readPositions is null)
        {
            return SoftCapped(_unembed.forward(_lnFinal.ApplyTo(final))); // [n, p, v]
        }

        long n = final.shape[0], d = final.shape[2];
        var index = readPositions.to(ScalarType.Int64).to(final.device).view(n, 1, 1).expand(n, 1, d); // [n, 1, d]
        return SoftCapped(_unembed.forward(_lnFinal.ApplyTo(final.gather(1, index))).squeeze(1)); // [n, v]
    }

    /// <summary>Gemma 2's final soft-cap c·tanh(logits / c) (out of place: tanh's output is saved for the backward pass); the logits as they are without one.</summary>
    private Tensor SoftCapped(Tensor logits) => _outputSoftCap is { } cap ? logits.div(cap).tanh_().mul(cap) : logits;

    /// <summary>Switches every hook point off until the returned handle is disposed (runs whose route fires none).</summary>
    public IDisposable SuspendHooks()
    {
        var enabled = _hookPoints.Values.Where(h => h.Enabled).ToList();
        foreach (var hp in enabled)
        {
            hp.Enabled = false;
        }

        return new HookHandle(() =>
        {
            foreach (var hp in enabled)
            {
                hp.Enabled = true;
            }
        });
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
    public int AttachedHookCount => _hookPoints.Values.Count(h => h.HookCount > 0);

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

    /// <summary>
    /// The attention block mask for a batch: boolean <c>[batch|1, 1, query_pos, key_pos]</c>, true where a query may not
    /// attend (future keys in causal models, padding keys where <paramref name="attentionMask"/> is 0); null when none.
    /// </summary>
    public Tensor? BlockedMask(long batch, long pos, Tensor? attentionMask) => _inputs.BlockedMask(batch, pos, attentionMask);

    private Tensor ValidateTokens(Tensor tokens) => _inputs.ValidateTokens(tokens);

    protected override void Dispose(bool disposing)
    {
        _inputs.Dispose();
        base.Dispose(disposing);
    }
}
