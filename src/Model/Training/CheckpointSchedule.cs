namespace CircuitFinder.Model.Training;

/// <summary>Log-spaced checkpoint steps: 0, 1, 2, 4, 8, … and the final step, at most a given count.</summary>
public static class CheckpointSchedule
{
    /// <summary>
    /// The steps (optimizer steps taken) at which to save, ascending. When more than <paramref name="max"/>, the smallest
    /// powers of two are dropped first (0 and the final step always stay).
    /// </summary>
    public static IReadOnlyList<int> Steps(int total, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var powers = new List<int>();
        for (long p = 1; p < total; p *= 2)
        {
            powers.Add((int)p);
        }

        int keep = Math.Max(0, max - 2);
        var steps = new SortedSet<int> { 0, total };
        foreach (var p in powers.Skip(Math.Max(0, powers.Count - keep)))
        {
            steps.Add(p);
        }

        return steps.ToArray();
    }
}
