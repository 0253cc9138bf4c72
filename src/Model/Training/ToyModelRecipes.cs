using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Training;

/// <summary>The built-in toy recipes, by name: <c>attn-only-1l</c>, <c>attn-only-2l</c>, <c>attn-only-3l</c>, <c>toy-ioi</c>.</summary>
public static class ToyModelRecipes
{
    public const int InductionVocabulary = 64;
    public const int InductionContext = 48;

    private static readonly ToyRecipe[] All =
    [
        Induction(1, 1500, "attention-only, 1 layer, on repeated spans and bigrams (no induction circuit possible)"),
        Induction(2, 3000, "attention-only, 2 layers, on repeated spans and bigrams (forms a previous-token → induction circuit)"),
        Induction(3, 3000, "attention-only, 3 layers, on repeated spans and bigrams"),
        new ToyRecipe
        {
            Name = "toy-ioi",
            Description = "attention-only, 2 layers, trained to name the indirect object (the name that appeared once)",
            Task = ToyTaskKind.Ioi,
            Steps = 1500,
            BatchSize = 64,
            LearningRate = 3e-3,
            Config = Attention("toy-ioi", 2, ToyIoiTask.Vocabulary.Count, ToyIoiTask.PromptLength),
        },
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(r => r.Name).ToArray();

    public static IReadOnlyList<ToyRecipe> Recipes => All;

    /// <summary>The recipe called <paramref name="name"/>; a <see cref="BadInputException"/> lists the known ones otherwise.</summary>
    public static ToyRecipe Get(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new BadInputException($"unknown toy recipe '{name}'; did you mean '{Suggest.Nearest(name, Names)}'? (known: {string.Join(", ", Names)})");

    private static ToyRecipe Induction(int layers, int steps, string description) => new()
    {
        Name = $"attn-only-{layers}l",
        Description = description,
        Task = ToyTaskKind.Induction,
        Steps = steps,
        LearningRate = 3e-3,
        Config = Attention($"attn-only-{layers}l", layers, InductionVocabulary, InductionContext),
    };

    private static HookedTransformerConfig Attention(string name, int layers, int vocabulary, int context) => new()
    {
        ModelName = name,
        NLayers = layers,
        DModel = 64,
        NHeads = 4,
        DHead = 16,
        DVocab = vocabulary,
        NCtx = context,
        AttnOnly = true,
        NormalizationType = NormalizationType.LN,
        PositionalEmbeddingType = PositionalEmbeddingType.Standard,
    };
}
