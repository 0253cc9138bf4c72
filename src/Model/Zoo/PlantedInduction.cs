using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Zoo;

/// <summary>
/// <c>zoo:planted-induction</c>: a two-layer attention-only transformer whose weights are set by hand so that it
/// completes repeated random sequences <c>[BOS, s, s]</c> by induction (Olsson et al. 2022), through a circuit known
/// exactly. The residual stream (d_model 128, no normalization) is cut into orthogonal blocks:
/// <list type="bullet">
/// <item><c>tok</c> [0, 32): the current token, one-hot (W_E);</item>
/// <item><c>pos</c> [32, 56): the position, one-hot (W_pos);</item>
/// <item><c>prev</c> [56, 88): the previous token, one-hot, written by a0.h0;</item>
/// <item><c>out</c> [88, 120): the predicted token, written by a1.h0 and the only block W_U reads;</item>
/// <item><c>junk</c> [120, 128): written by the distractor heads, read by nothing that reaches the logits.</item>
/// </list>
/// a0.h0, the previous-token head, scores key j for query i as <see cref="AttentionScale"/>·[j = i−1] from the
/// position block and copies tok into prev. a1.h0, the induction head, scores key j as
/// <see cref="AttentionScale"/>·(tok_i · prev_j) — K-composition with a0.h0 — and copies the attended token's tok
/// into out; W_U maps out to the logits with gain <see cref="LogitScale"/>. a0.h1 attends uniformly and writes a
/// hash of the tokens into junk; a1.h1 attends uniformly, reads prev and writes junk. Attention scores are not divided
/// by √d_head, so the patterns are hard to within e^−30.
/// </summary>
public sealed class PlantedInduction : IZooModel
{
    /// <summary>The BOS token (never inside a sequence; its previous-token write matches no query).</summary>
    public const int BosToken = 0;

    /// <summary>The attention score of a matching key; every other key scores 0.</summary>
    public const float AttentionScale = 30f;

    /// <summary>The logit of the predicted token; every other logit is 0.</summary>
    public const float LogitScale = 20f;

    private const int Vocab = 32, Ctx = 24, HeadWidth = 32, JunkWidth = 8;
    private const int Tok = 0, Pos = Tok + Vocab, Prev = Pos + Ctx, Out = Prev + Vocab, Junk = Out + Vocab, Width = Junk + JunkWidth;

    private static readonly string[] Edges =
    [
        "input->a0.h0<q>", // the position (pos block) of the query ...
        "input->a0.h0<k>", // ... and of the key: positional only, so resample ablation with equal lengths cannot see them
        "input->a0.h0<v>", // the previous token's identity
        "input->a1.h0<q>", // the current token's identity
        "a0.h0->a1.h0<k>", // the key's previous token (K-composition)
        "input->a1.h0<v>", // the attended token's identity, copied
        "a1.h0->logits",
    ];

    public string Name => "planted-induction";

    public string Description => "hand-built 2-layer attention-only induction model: previous-token head a0.h0, induction head a1.h0";

    public string TaskName => "induction";

    public HookedTransformerConfig Config { get; } = new()
    {
        NLayers = 2,
        DModel = Width,
        NHeads = 2,
        DHead = HeadWidth,
        DVocab = Vocab,
        NCtx = Ctx,
        AttnOnly = true,
        NormalizationType = NormalizationType.None,
        PositionalEmbeddingType = PositionalEmbeddingType.Standard,
        UseAttnScale = false,
        ModelName = "planted-induction",
    };

    /// <summary><c>&lt;bos&gt;</c>, then <c>t1</c> … <c>t31</c>.</summary>
    public IReadOnlyList<string> Vocabulary { get; } = ["<bos>", .. Enumerable.Range(1, Vocab - 1).Select(i => $"t{i}")];

    public IReadOnlyList<string> GroundTruthEdges => Edges;

    public bool HasGroundTruth => true;

    /// <summary>The ground-truth edges that read only the position block (invisible to resample ablation).</summary>
    public static IReadOnlyList<string> PositionalEdges { get; } = ["input->a0.h0<q>", "input->a0.h0<k>"];

    public HookedTransformer Create()
    {
        var w = new PlantedWeights(Config);
        for (int t = 0; t < Vocab; t++)
        {
            w.Set("embed.W_E", 1f, t, Tok + t);
        }

        for (int p = 0; p < Ctx; p++)
        {
            w.Set("pos_embed.W_pos", 1f, p, Pos + p);
        }

        // a0.h0, previous-token head: q_i = e_i, k_j = e_{j+1} (position block); OV copies tok into prev.
        for (int p = 0; p < Ctx; p++)
        {
            w.Set("blocks.0.attn.W_Q", AttentionScale, 0, Pos + p, p);
            if (p + 1 < Ctx)
            {
                w.Set("blocks.0.attn.W_K", 1f, 0, Pos + p, p + 1);
            }
        }

        for (int t = 0; t < Vocab; t++)
        {
            w.Set("blocks.0.attn.W_V", 1f, 0, Tok + t, t);
            w.Set("blocks.0.attn.W_O", 1f, 0, t, Prev + t);
            // a0.h1, distractor: uniform attention (W_Q = W_K = 0), tok hashed into junk.
            w.Set("blocks.0.attn.W_V", 1f, 1, Tok + t, t);
            w.Set("blocks.0.attn.W_O", 1f, 1, t, Junk + (t % JunkWidth));
        }

        // a1.h0, induction head: q = tok, k = prev (a0.h0's output), OV copies tok into out.
        for (int t = 0; t < Vocab; t++)
        {
            w.Set("blocks.1.attn.W_Q", AttentionScale, 0, Tok + t, t);
            w.Set("blocks.1.attn.W_K", 1f, 0, Prev + t, t);
            w.Set("blocks.1.attn.W_V", 1f, 0, Tok + t, t);
            w.Set("blocks.1.attn.W_O", 1f, 0, t, Out + t);
            // a1.h1, distractor: uniform attention, prev hashed into junk.
            w.Set("blocks.1.attn.W_V", 1f, 1, Prev + t, t);
            w.Set("blocks.1.attn.W_O", 1f, 1, t, Junk + ((t * 3) % JunkWidth));
            w.Set("unembed.W_U", LogitScale, Out + t, t);
        }

        return w.Build($"zoo:{Name}");
    }
}
