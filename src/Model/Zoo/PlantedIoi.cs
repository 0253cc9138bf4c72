using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Zoo;

/// <summary>
/// <c>zoo:planted-ioi</c>: a three-layer attention-only transformer set by hand to do indirect-object identification
/// (Wang et al. 2022) on one template, <c>&lt;bos&gt; A and B went to the store , S gave a drink to</c> with S one of A
/// and B; the answer is the other name (IO). Its circuit is known exactly. Residual blocks (no normalization):
/// <c>tok</c> (one-hot token), <c>pos</c> (one-hot position), <c>index</c> (the position as a number), <c>const</c> (1 everywhere), <c>bos</c> (1 at BOS),
/// <c>name</c> (1 at name tokens), <c>dup</c> (a name, written by a0.h0), <c>inhib</c> (a name, written by a1.h0),
/// <c>out</c> (a name, written by a2.h0, the only block W_U reads) and <c>junk</c> (distractor heads).
/// <list type="bullet">
/// <item>a0.h0, duplicate-token head: scores an earlier key with the same name <see cref="AttentionScale"/>, BOS half
/// that, itself −<see cref="AttentionScale"/> against the match; copies the attended name into dup (so only S2 holds one).</item>
/// <item>a1.h0, S-inhibition head: from every query (const) attends to the key holding a dup name (S2) and copies
/// dup into inhib.</item>
/// <item>a2.h0, name mover: scores name keys <see cref="AttentionScale"/> (const · name) minus
/// <see cref="AttentionScale"/> where the key's name is in inhib, plus 1.5 per position (const · index), so it attends
/// to IO alone — and to S2 when the inhibition is missing or diluted, as name movers do — and copies the name into out.</item>
/// <item>a0.h1, a1.h1, a2.h1 attend uniformly and write token hashes into junk.</item>
/// </list>
/// <c>zoo:planted-ioi-mlp</c> is the same circuit with an MLP of <see cref="Names"/> ReLU neurons in every layer: those of
/// layers 0 and 1 are zero, and neuron k of layer 2 reads name k from out and writes it into <c>final</c>, the block
/// W_U reads instead of out — so at neuron level the circuit runs a2.h0 → m2 (the MLP's input) and m2.n{k} → logits
/// for every name k.
/// </summary>
public sealed class PlantedIoi : IZooModel
{
    public const int BosToken = 0;

    /// <summary>The score of a preferred key; hard attention to within e^−15.</summary>
    public const float AttentionScale = 30f;

    /// <summary>The logit of the name the model predicts; every other logit is 0.</summary>
    public const float LogitScale = 20f;

    /// <summary>Where the end of the prompt (the read position) is.</summary>
    public const int EndPosition = 13;

    private const int Names = 8, Vocab = 18, Ctx = 16, HeadWidth = 32, JunkWidth = 7;
    private readonly bool _mlp;
    /// <summary>The name mover's preference per position for later keys: without S-inhibition it attends to S2.</summary>
    private const float RecencyBias = 1.5f;

    private const int Tok = 0, Pos = Tok + Vocab, PosIndex = Pos + Ctx, Const = PosIndex + 1, Bos = Const + 1, NameFlag = Bos + 1, Dup = NameFlag + 1,
        Inhib = Dup + Names, Out = Inhib + Names, Junk = Out + Names, Width = Junk + JunkWidth, Final = Width;

    private static readonly string[] Edges =
    [
        "input->a0.h0<q>", // the name at S2 and its position (to skip itself)
        "input->a0.h0<k>", // the name at S1, positions, BOS
        "input->a0.h0<v>", // the name at S1
        "input->a1.h0<q>", // const only: invisible to resample ablation
        "a0.h0->a1.h0<k>", // which position holds a duplicate
        "a0.h0->a1.h0<v>", // which name is duplicated
        "input->a2.h0<q>", // const only: invisible to resample ablation
        "a1.h0->a2.h0<q>", // S-inhibition
        "input->a2.h0<k>", // the names at the keys
        "input->a2.h0<v>", // the attended name, copied
        "a2.h0->logits",
    ];

    /// <summary><c>zoo:planted-ioi</c>, or with <paramref name="withMlp"/> <c>zoo:planted-ioi-mlp</c> (name movers' output through MLP neurons).</summary>
    public PlantedIoi(bool withMlp = false)
    {
        _mlp = withMlp;
        Config = new HookedTransformerConfig
        {
            NLayers = 3,
            DModel = withMlp ? Width + Names : Width,
            NHeads = 2,
            DHead = HeadWidth,
            DMlp = withMlp ? Names : 0,
            ActFn = ActivationFunction.Relu,
            DVocab = Vocab,
            NCtx = Ctx,
            AttnOnly = !withMlp,
            NormalizationType = NormalizationType.None,
            PositionalEmbeddingType = PositionalEmbeddingType.Standard,
            UseAttnScale = false,
            ModelName = Name,
        };
    }

    public string Name => _mlp ? "planted-ioi-mlp" : "planted-ioi";

    public string Description => _mlp
        ? "planted-ioi with an MLP per layer: the name mover's output reaches the logits through layer 2's neurons (one per name)"
        : "hand-built 3-layer attention-only IOI model: duplicate-token a0.h0, S-inhibition a1.h0, name mover a2.h0";

    public string TaskName => "planted-ioi";

    public HookedTransformerConfig Config { get; }

    public IReadOnlyList<string> Vocabulary { get; } =
        ["<bos>", "Mary", "John", "Anna", "Tom", "Kate", "Paul", "Lucy", "Mark", "and", "went", "to", "the", "store", ",", "gave", "a", "drink"];

    /// <summary>The name tokens' ids.</summary>
    public static IReadOnlyList<int> NameTokens { get; } = Enumerable.Range(1, Names).ToList();

    public IReadOnlyList<string> GroundTruthEdges => _mlp ? [.. Edges.Where(e => e != "a2.h0->logits"), "a2.h0->m2", "m2->logits"] : Edges;

    /// <summary>
    /// The circuit of <c>zoo:planted-ioi-mlp</c> at neuron level: the attention edges, then a2.h0 → m2 (the MLP's input,
    /// which every neuron reads) and m2.n{k} → logits for every name k.
    /// </summary>
    public static IReadOnlyList<string> NeuronGroundTruthEdges { get; } =
        [.. Edges.Where(e => e != "a2.h0->logits"), "a2.h0->m2", .. Enumerable.Range(0, Names).Select(k => $"m2.n{k}->logits")];

    public bool HasGroundTruth => true;

    /// <summary>The ground-truth edges that read only the constant block (invisible to resample ablation).</summary>
    public static IReadOnlyList<string> ConstantEdges { get; } = ["input->a1.h0<q>", "input->a2.h0<q>"];

    /// <summary>The prompt <c>&lt;bos&gt; first and second went to the store , third gave a drink to</c> as token ids.</summary>
    public static long[] Prompt(int first, int second, int third) => [BosToken, first, 9, second, 10, 11, 12, 13, 14, third, 15, 16, 17, 11];

    public HookedTransformer Create()
    {
        var w = new PlantedWeights(Config);
        for (int t = 0; t < Vocab; t++)
        {
            w.Set("embed.W_E", 1f, t, Tok + t);
            w.Set("embed.W_E", 1f, t, Const);
        }

        w.Set("embed.W_E", 1f, BosToken, Bos);
        foreach (int n in NameTokens)
        {
            w.Set("embed.W_E", 1f, n, NameFlag);
        }

        for (int p = 0; p < Ctx; p++)
        {
            w.Set("pos_embed.W_pos", 1f, p, Pos + p);
            w.Set("pos_embed.W_pos", p, p, PosIndex);
        }

        const string A0 = "blocks.0.attn.", A1 = "blocks.1.attn.", A2 = "blocks.2.attn.";
        // a0.h0: d_head dims [0, 8) name match, [8, 24) self penalty, 24 BOS sink.
        for (int n = 0; n < Names; n++)
        {
            w.Set(A0 + "W_Q", AttentionScale, 0, Tok + NameTokens[n], n);
            w.Set(A0 + "W_K", 1f, 0, Tok + NameTokens[n], n);
            w.Set(A0 + "W_V", 1f, 0, Tok + NameTokens[n], n);
            w.Set(A0 + "W_O", 1f, 0, n, Dup + n);
        }

        for (int p = 0; p < Ctx; p++)
        {
            w.Set(A0 + "W_Q", 1f, 0, Pos + p, Names + p);
            w.Set(A0 + "W_K", -AttentionScale, 0, Pos + p, Names + p);
        }

        w.Set(A0 + "W_Q", AttentionScale / 2, 0, Const, Names + Ctx);
        w.Set(A0 + "W_K", 1f, 0, Bos, Names + Ctx);

        // a1.h0: q = const, k = Σ dup; OV copies dup into inhib.
        w.Set(A1 + "W_Q", AttentionScale, 0, Const, 0);
        for (int n = 0; n < Names; n++)
        {
            w.Set(A1 + "W_K", 1f, 0, Dup + n, 0);
            w.Set(A1 + "W_V", 1f, 0, Dup + n, n);
            w.Set(A1 + "W_O", 1f, 0, n, Inhib + n);
        }

        // a2.h0: d_head dim 0 is const · name flag; dims [1, 9) are −inhib · name; dim 9 is const · index; OV copies the
        // name into out.
        w.Set(A2 + "W_Q", AttentionScale, 0, Const, 0);
        w.Set(A2 + "W_K", 1f, 0, NameFlag, 0);
        w.Set(A2 + "W_Q", RecencyBias, 0, Const, 1 + Names);
        w.Set(A2 + "W_K", 1f, 0, PosIndex, 1 + Names);
        for (int n = 0; n < Names; n++)
        {
            w.Set(A2 + "W_Q", -AttentionScale, 0, Inhib + n, 1 + n);
            w.Set(A2 + "W_K", 1f, 0, Tok + NameTokens[n], 1 + n);
            w.Set(A2 + "W_V", 1f, 0, Tok + NameTokens[n], n);
            w.Set(A2 + "W_O", 1f, 0, n, Out + n);
            if (_mlp)
            {
                w.Set("blocks.2.mlp.W_in", 1f, Out + n, n); // neuron n: ReLU(out_n)
                w.Set("blocks.2.mlp.W_out", 1f, n, Final + n);
            }

            w.Set("unembed.W_U", LogitScale, (_mlp ? Final : Out) + n, NameTokens[n]);
        }

        // Distractors: uniform attention, tokens hashed into junk.
        for (int l = 0; l < Config.NLayers; l++)
        {
            for (int t = 0; t < Vocab; t++)
            {
                w.Set($"blocks.{l}.attn.W_V", 1f, 1, Tok + t, t);
                w.Set($"blocks.{l}.attn.W_O", 1f, 1, t, Junk + ((t + l) % JunkWidth));
            }
        }

        return w.Build($"zoo:{Name}");
    }
}
