using System.Globalization;

namespace CircuitFinder.Detectors.Runs;

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (1-based) of a wiki build: it computes every count-th model, from index − 1.</summary>
public sealed record FamilyShard
{
    public FamilyShard(int index, int count)
    {
        if (count < 1 || index < 1 || index > count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"shard {index}/{count}: expected 1 ≤ i ≤ n");
        }

        Index = index;
        Count = count;
    }

    /// <summary>The whole family in one shard.</summary>
    public static FamilyShard All { get; } = new(1, 1);

    public int Index { get; }

    public int Count { get; }

    /// <summary>Parses <c>i/n</c> with 1 ≤ i ≤ n; otherwise a <see cref="BadInputException"/> beginning with <paramref name="where"/>.</summary>
    public static FamilyShard Parse(string text, string where)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int i) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int n) && n >= 1 && i >= 1 && i <= n)
        {
            return new(i, n);
        }

        throw new BadInputException($"{where}: expected i/n with 1 ≤ i ≤ n (e.g. 1/4), got '{text}'");
    }

    public override string ToString() => $"{Index}/{Count}";
}
