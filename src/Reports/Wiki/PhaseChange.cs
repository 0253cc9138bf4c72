using CircuitFinder.Graph.Heads;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// The largest rise of a score over a training run: the best head's score (the maximum over heads) rises from
/// <paramref name="FromScore"/> at <paramref name="FromStep"/> to <paramref name="ToScore"/> at the next checkpoint,
/// <paramref name="ToStep"/>, where <paramref name="Head"/> is the best head.
/// </summary>
public sealed record PhaseChange(string Column, long FromStep, long ToStep, double FromScore, double ToScore, string Head)
{
    public double Rise => ToScore - FromScore;

    /// <summary>The largest rise of each column with scores at two or more checkpoints (<paramref name="steps"/> in step order).</summary>
    public static IReadOnlyList<PhaseChange> Find(IReadOnlyList<WikiHeadTable> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var result = new List<PhaseChange>();
        if (steps.Count < 2)
        {
            return result;
        }

        foreach (var column in steps.SelectMany(s => s.Columns).Distinct())
        {
            var best = steps.Select(s => Best(s, column)).ToList();
            PhaseChange? top = null;
            for (int t = 0; t + 1 < steps.Count; t++)
            {
                if (best[t] is { } from && best[t + 1] is { } to && (top is null || to.Score - from.Score > top.Rise))
                {
                    top = new PhaseChange(column, steps[t].Step ?? t, steps[t + 1].Step ?? (t + 1), from.Score, to.Score, to.Head);
                }
            }

            if (top is not null)
            {
                result.Add(top);
            }
        }

        return result;
    }

    private static (double Score, string Head)? Best(WikiHeadTable table, string column)
    {
        (double Score, string Head)? best = null;
        for (int i = 0; i < table.NLayers * table.NHeads; i++)
        {
            if (table.Score(column, i) is { } v && (best is null || v > best.Value.Score))
            {
                best = (v, WikiHeadTable.HeadName(i / table.NHeads, i % table.NHeads));
            }
        }

        return best;
    }
}
