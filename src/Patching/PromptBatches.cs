using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Tasks;

namespace CircuitFinder.Patching;

/// <summary>
/// A task's prompts split into batches of at most <c>batchSize</c> (<c>--batch</c>), each with its own edge patcher, so
/// that the scratch memory of patched runs and gradients scales with the batch, not the task. Mean ablation still
/// averages over every prompt of the task (the reference set is the whole task); noise ablation draws each batch's noise
/// from the seed plus the batch's first prompt index. Owns the slices and patchers.
/// </summary>
public sealed class PromptBatches : IDisposable
{
    private readonly List<TaskBatch> _slices = [];
    private readonly List<PromptBatch> _batches = [];

    private PromptBatches()
    {
    }

    /// <summary>The batches, in prompt order.</summary>
    public IReadOnlyList<PromptBatch> Batches => _batches;

    /// <summary>
    /// Splits <paramref name="all"/> into batches of at most <paramref name="batchSize"/> prompts (null: one batch)
    /// and records each one's clean run and ablation.
    /// </summary>
    public static PromptBatches Create(HookedTransformer model, ComputeGraph graph, TaskBatch all, IAblation ablation, int? batchSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(all);
        int size = batchSize ?? all.Count;
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size must be positive");
        }

        var result = new PromptBatches();
        try
        {
            for (int start = 0; start < all.Count; start += size)
            {
                var slice = size >= all.Count ? null : all.Slice(start, Math.Min(size, all.Count - start));
                if (slice is not null)
                {
                    result._slices.Add(slice);
                }

                var part = slice ?? all;
                var patcher = new EdgePatcher(
                    model,
                    graph,
                    new PatchingInput(part.Clean, part.AttentionMask, part.ReadPositions),
                    ablation,
                    part.Corrupt,
                    referenceTokens: slice is null ? null : all.Clean,
                    referenceMask: slice is null ? null : all.AttentionMask,
                    seed: seed + start);
                result._batches.Add(new PromptBatch(patcher, part.Answers.to(model.Device), part.WrongAnswers.to(model.Device)));
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var batch in _batches)
        {
            batch.Patcher.Dispose();
        }

        foreach (var slice in _slices)
        {
            slice.Dispose();
        }
    }
}
