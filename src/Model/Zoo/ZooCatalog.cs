using System.Diagnostics.CodeAnalysis;

namespace CircuitFinder.Model.Zoo;

/// <summary>Maps zoo names (the part after <c>zoo:</c>) to the built-in models.</summary>
public static class ZooCatalog
{
    /// <summary>The prefix that names a zoo model where a model folder is expected.</summary>
    public const string Prefix = "zoo:";

    /// <summary>Every zoo model, in listing order.</summary>
    public static IReadOnlyList<IZooModel> Models { get; } =
    [
        new TrainedZooModel("attn-only-1l", "1-layer attention-only model trained on repeated-span token streams (no induction circuit possible)", "induction"),
        new TrainedZooModel("attn-only-2l", "2-layer attention-only model trained on repeated-span token streams: previous-token head L0H1, induction head L1H2", "induction"),
        new TrainedZooModel("attn-only-3l", "3-layer attention-only model trained on repeated-span token streams: previous-token head L0H3, induction head L1H2", "induction"),
        new TrainedZooModel("toy-ioi", "2-layer attention-only model trained on a synthetic IOI-shaped task (predict the name seen once)", "toy-ioi"),
        new PlantedInduction(),
        new PlantedIoi(),
        new PlantedIoi(withMlp: true),
    ];

    /// <summary>Every zoo name.</summary>
    public static IReadOnlyList<string> Names { get; } = Models.Select(m => m.Name).ToList();

    /// <summary>The model called <paramref name="name"/> (without the prefix), if there is one.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out IZooModel? model)
    {
        model = Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
        return model is not null;
    }

    /// <summary>The model called <paramref name="name"/>; a <see cref="BadInputException"/> listing the known names otherwise.</summary>
    public static IZooModel Get(string name)
    {
        if (TryGet(name, out var model))
        {
            return model;
        }

        throw new BadInputException(
            $"{Prefix}{name}: unknown zoo model (known: {string.Join(", ", Names.Select(n => Prefix + n))})");
    }
}
