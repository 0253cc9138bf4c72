namespace CircuitFinder.Scrubbing.Causal;

/// <summary>The prompts grouped by a feature's value, for drawing an agreeing prompt uniformly (the prompt itself included).</summary>
public sealed class FeatureIndex
{
    private readonly string[] _keys;
    private readonly Dictionary<string, long[]> _groups;

    public FeatureIndex(string[] keys)
    {
        _keys = keys;
        _groups = keys.Select((k, i) => (k, i)).GroupBy(x => x.k, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(x => (long)x.i).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>For each prompt of <paramref name="x"/>, a uniformly drawn prompt with the same feature value.</summary>
    public long[] Resample(long[] x, Random random) => x.Select(i =>
    {
        var group = _groups[_keys[i]];
        return group[random.Next(group.Length)];
    }).ToArray();

    /// <summary>How many prompts share the value of the prompt at <paramref name="index"/> (itself included).</summary>
    public int GroupSize(int index) => _groups[_keys[index]].Length;
}
