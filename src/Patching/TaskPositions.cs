using CircuitFinder.Graph;
using CircuitFinder.Tasks;

namespace CircuitFinder.Patching;

/// <summary>
/// A task's position groups for a positional graph (<c>--positions</c>): every token position of the task's longest
/// prompt (<see cref="PositionMode.All"/>), or its word labels and <c>other</c> (<see cref="PositionMode.Labels"/>), so
/// that prompts of different layouts share one graph; and the task's batch with each position's group.
/// </summary>
public static class TaskPositions
{
    /// <summary>The groups of <paramref name="dataset"/> in <paramref name="mode"/> (null for <see cref="PositionMode.None"/>); bad input names <c>--positions</c>.</summary>
    public static GraphPositions? For(PositionMode mode, TaskDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        switch (mode)
        {
            case PositionMode.None:
                return null;
            case PositionMode.All:
                return GraphPositions.All(dataset.Prompts.Max(p => p.Length));
            default:
                var labels = WordLabels.Of(dataset);
                if (labels.Count == 0)
                {
                    throw new BadInputException($"--positions labels: task '{dataset.Name}' has no word labels (word_positions); use --positions all");
                }

                try
                {
                    return GraphPositions.OfLabels(labels);
                }
                catch (ArgumentException e)
                {
                    throw new BadInputException($"--positions labels: task '{dataset.Name}': {e.Message}", e);
                }
        }
    }

    /// <summary>The batch of <paramref name="dataset"/>, with each position's word-label group when <paramref name="positions"/> are labels.</summary>
    public static TaskBatch Batch(TaskDataset dataset, GraphPositions? positions) =>
        TaskBatch.From(dataset, 0, positions is { Mode: PositionMode.Labels } labels ? labels.Labels : null);
}
