using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Graph.Views;
using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// One plain forward pass (hooks firing, as <see cref="HookedTransformer.RunWithCache"/>) that caches what the logit lens
/// and direct logit attribution read: every <c>hook_resid_pre</c>, the last <c>hook_resid_post</c>, the embeddings, every
/// head's <c>hook_z</c>, every <c>hook_mlp_out</c> and <c>ln_final.hook_scale</c>. Rows are picked as (prompt, position)
/// pairs and returned in float64. Owns its cache.
/// </summary>
internal sealed class ViewRun : IDisposable
{
    private readonly ActivationCache _cache;

    private ViewRun(HookedTransformer model, Tensor logits, ActivationCache cache)
    {
        Model = model;
        Logits = logits;
        _cache = cache;
    }

    public HookedTransformer Model { get; }

    /// <summary>The run's own logits <c>[b, pos, d_vocab_out]</c>.</summary>
    public Tensor Logits { get; }

    private HookedTransformerConfig Config => Model.Config;

    public static ViewRun Run(HookedTransformer model, Tensor tokens, Tensor? mask)
    {
        var config = model.Config;
        var names = new List<string> { HookName.Embed };
        if (config.PositionalEmbeddingType == PositionalEmbeddingType.Standard)
        {
            names.Add(HookName.PosEmbed);
        }

        for (int l = 0; l < config.NLayers; l++)
        {
            names.Add(HookName.ResidPre(l));
            names.Add(HookName.Z(l));
            if (config.HasMlp)
            {
                names.Add(HookName.MlpOut(l));
            }
        }

        names.Add(HookName.ResidPost(config.NLayers - 1));
        if (model.LnFinal is not null)
        {
            names.Add(HookName.FinalScale);
        }

        using var noGrad = no_grad();
        var (logits, cache) = model.RunWithCache(tokens, names, mask);
        logits.DetachFromDisposeScope();
        return new ViewRun(model, logits, cache);
    }

    /// <summary>The cached activation <paramref name="hook"/> at rows (<paramref name="prompts"/>, <paramref name="positions"/>), float64 <c>[R, ...]</c>.</summary>
    public Tensor Rows(string hook, Tensor prompts, Tensor positions) =>
        _cache[hook].index(TensorIndex.Tensor(prompts), TensorIndex.Tensor(positions)).to(ScalarType.Float64);

    /// <summary>
    /// The accumulated residual stream (TransformerLens' <c>accumulated_resid</c>: resid_pre of each layer, then the final
    /// resid_post) at the rows, float64 <c>[n_layers + 1, R, d_model]</c>.
    /// </summary>
    public Tensor Accumulated(Tensor prompts, Tensor positions)
    {
        var pieces = Enumerable.Range(0, Config.NLayers).Select(l => Rows(HookName.ResidPre(l), prompts, positions))
            .Append(Rows(HookName.ResidPost(Config.NLayers - 1), prompts, positions))
            .ToArray();
        return stack(pieces); // [L+1, R, d]
    }

    /// <summary>
    /// The residual stream decomposed (TransformerLens' <c>decompose_resid</c> with <c>stack_head_results</c>): the token
    /// embedding, the position embedding where it enters the stream, each head's z·W_O, each layer's b_O and each MLP's
    /// output (with its bias), float64 <c>[C, R, d_model]</c>, with the labels.
    /// </summary>
    public (Tensor Pieces, IReadOnlyList<string> Labels) Decomposed(Tensor prompts, Tensor positions)
    {
        var labels = new List<string> { "embed" };
        var pieces = new List<Tensor> { Rows(HookName.Embed, prompts, positions).unsqueeze(0) }; // [1, R, d]
        if (Config.PositionalEmbeddingType == PositionalEmbeddingType.Standard)
        {
            labels.Add("pos_embed");
            pieces.Add(Rows(HookName.PosEmbed, prompts, positions).unsqueeze(0));
        }

        long rows = prompts.shape[0];
        for (int l = 0; l < Config.NLayers; l++)
        {
            var attn = Model.Blocks[l].Attn;
            var z = Rows(HookName.Z(l), prompts, positions); // [R, h, e]
            pieces.Add(einsum("rhe,hed->hrd", z, attn.W_O.to(ScalarType.Float64))); // [h, R, d]
            labels.AddRange(Enumerable.Range(0, Config.NHeads).Select(h => HeadLabel.Name(l, h)));
            pieces.Add(attn.b_O.to(ScalarType.Float64).expand(1, rows, Config.DModel)); // [1, R, d]
            labels.Add($"L{l} b_O");
            if (Config.HasMlp)
            {
                pieces.Add(Rows(HookName.MlpOut(l), prompts, positions).unsqueeze(0)); // [1, R, d]
                labels.Add($"MLP{l}");
            }
        }

        return (cat(pieces, 0), labels); // [C, R, d]
    }

    /// <summary>
    /// <paramref name="stack"/> <c>[..., R, d_model]</c> through ln_final with the run's CACHED scale (TransformerLens'
    /// <c>apply_ln_to_stack</c>): centred where the norm centres, divided by the final stream's scale at each row, times the
    /// norm's weight where it has one; its bias is not added (see <see cref="FinalBias"/>).
    /// </summary>
    public Tensor Normalized(Tensor stack, Tensor prompts, Tensor positions)
    {
        var ln = Model.LnFinal;
        if (ln is null)
        {
            return stack;
        }

        var x = ln.Centred ? stack - stack.mean([-1L], keepdim: true) : stack;
        x = x / Rows(HookName.FinalScale, prompts, positions); // [R, 1] broadcasts
        return ln.Weight is { } w ? x * w.to(ScalarType.Float64) : x;
    }

    /// <summary>ln_final's bias <c>[d_model]</c> in float64, or null where it has none.</summary>
    public Tensor? FinalBias => Model.LnFinal?.Bias?.to(ScalarType.Float64);

    public void Dispose()
    {
        _cache.Dispose();
        Logits.Dispose();
    }
}
