using System.Diagnostics.CodeAnalysis;

namespace CircuitFinder.Model.Zoo;

/// <summary>Maps zoo names (the part after <c>zoo:</c>) to the built-in models.</summary>
public static class ZooCatalog
{
    /// <summary>The prefix that names a zoo model where a model folder is expected.</summary>
    public const string Prefix = "zoo:";

    /// <summary>Every zoo model, in listing order.</summary>
    public static IReadOnlyList<IZooModel> Models { get; } = [new PlantedInduction(), new PlantedIoi()];

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
