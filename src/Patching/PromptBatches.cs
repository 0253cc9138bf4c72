using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Tasks;

namespace CircuitFinder.Patching;

/// <summary>
/// A task's prompts split into batches of at most <c>batchSize</c> (<c>--batch</c>), each patched by its own edge
/// patcher, so that the memory of recorded runs, patched runs and gradients scales with the batch, not the task.
/// Patchers are built when a batch is used (<see cref="ForEach"/>); those that fit in <c>keepBytes</c> stay alive for
/// the next pass (the first ones, which suits passes that visit every batch in order), the others are disposed right
/// after use and rebuilt next time — the same results, recomputed. A single batch is always kept. Mean ablation
/// averages over every prompt of the task (computed once, batch by batch); noise ablation draws each batch's noise
/// from the seed plus the batch's first prompt index. Owns the patchers and slices it builds.
/// </summary>
public sealed class PromptBatches : IDisposable
{
    /// <summary>What threshold methods (ACDC, the hybrid) keep alive by default: 256 MiB of recorded batches.</summary>
    public const long DefaultKeepBytes = 256L << 20;

    private readonly HookedTransformer? _model;
    private readonly TaskBatch? _all;
    private readonly IAblation? _ablation;
    private readonly ReferenceMeanAblation? _ownedAblation;
    private readonly int _size;
    private readonly long _seed;
    private readonly long _keepBytes;
    private readonly Kept?[] _kept;
    private readonly bool _borrowed;
    private long _keptBytes;

    private PromptBatches(ComputeGraph graph, IReadOnlyList<long> sizes, Kept?[] kept, bool borrowed)
    {
        Graph = graph;
        Sizes = sizes;
        _kept = kept;
        _borrowed = borrowed;
    }

    private PromptBatches(HookedTransformer model, ComputeGraph graph, TaskBatch all, IAblation ablation, int size, long seed, long keepBytes)
        : this(graph, Enumerable.Range(0, (all.Count + size - 1) / size).Select(i => (long)Math.Min(size, all.Count - (i * size))).ToList(), new Kept?[(all.Count + size - 1) / size], borrowed: false)
    {
        _model = model;
        _all = all;
        _size = size;
        _seed = seed;
        _keepBytes = keepBytes;
        if (ablation is MeanAblation mean && Count > 1)
        {
            var engine = new EdgeMaskedForward(model, new GraphLayout(graph, model.Config));
            using var noGrad = TorchSharp.torch.no_grad();
            using var tokens = all.Clean.to(model.Device);
            using var mask = all.AttentionMask?.to(model.Device);
            _ownedAblation = new ReferenceMeanAblation(mean, mean.ReferenceMean(engine, tokens, mask, size));
            _ablation = _ownedAblation;
        }
        else
        {
            _ablation = ablation;
        }
    }

    /// <summary>The computational graph every batch is patched on.</summary>
    public ComputeGraph Graph { get; }

    /// <summary>Prompts per batch, in prompt order.</summary>
    public IReadOnlyList<long> Sizes { get; }

    /// <summary>Number of batches.</summary>
    public int Count => Sizes.Count;

    /// <summary>Prompts over all batches.</summary>
    public long PromptCount => Sizes.Sum();

    /// <summary>
    /// Splits <paramref name="all"/> into batches of at most <paramref name="batchSize"/> prompts (null: one batch).
    /// Without a batch size, a task whose recorded runs would need more than <paramref name="memoryLimitBytes"/> (null:
    /// the memory available now) is refused up front, suggesting <c>--batch</c>. <paramref name="keepBytes"/> bounds the
    /// patchers kept alive between passes (0: build each when used, dispose it right after).
    /// </summary>
    public static PromptBatches Create(
        HookedTransformer model, ComputeGraph graph, TaskBatch all, IAblation ablation, int? batchSize, long seed, long keepBytes = DefaultKeepBytes, long? memoryLimitBytes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(all);
        int size = batchSize ?? Math.Max(1, all.Count);
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size must be positive");
        }

        if (batchSize is null)
        {
            BatchMemory.EnsureFits(model.Config, graph, all.Count, all.Clean.shape[1], memoryLimitBytes ?? BatchMemory.AvailableBytes());
        }

        var result = new PromptBatches(model, graph, all, ablation, Math.Min(size, Math.Max(1, all.Count)), seed, keepBytes);
        try
        {
            if (result.Count == 1)
            {
                result.ForEach(_ => { }); // the single batch is built (and checked) up front, as before
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>One batch whose patcher the caller built and owns (never rebuilt, never disposed here).</summary>
    public static PromptBatches Of(PromptBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new PromptBatches(batch.Patcher.Graph, [batch.Count], [new Kept(batch, null, [], 0)], borrowed: true);
    }

    /// <summary>
    /// Calls <paramref name="use"/> on every batch in prompt order, building each patcher that is not kept; one that
    /// fits in the keep budget stays for the next pass, any other is disposed as soon as <paramref name="use"/> returns.
    /// </summary>
    public void ForEach(Action<PromptBatch> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        for (int i = 0; i < Count; i++)
        {
            if (_kept[i] is { } kept)
            {
                use(kept.Batch);
                continue;
            }

            var built = Build(i);
            bool keep = Count == 1 || _keptBytes + built.Bytes <= _keepBytes;
            try
            {
                use(built.Batch);
            }
            catch
            {
                built.Dispose();
                throw;
            }

            if (keep)
            {
                _kept[i] = built;
                _keptBytes += built.Bytes;
            }
            else
            {
                built.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (!_borrowed)
        {
            foreach (var kept in _kept)
            {
                kept?.Dispose();
            }
        }

        Array.Clear(_kept);
        _keptBytes = 0;
        _ownedAblation?.Dispose();
    }

    private Kept Build(int index)
    {
        var model = _model!;
        var all = _all!;
        int start = index * _size;
        var slice = Count == 1 ? null : all.Slice(start, (int)Sizes[index]);
        try
        {
            var part = slice ?? all;
            using var noGrad = TorchSharp.torch.no_grad();
            var patcher = new EdgePatcher(
                model,
                Graph,
                new PatchingInput(part.Clean, part.AttentionMask, part.ReadPositions, part.PositionGroups),
                _ablation!,
                part.Corrupt,
                seed: _seed + start);
            var answers = part.Answers.to(model.Device); // [b, n_answers]
            var wrong = part.WrongAnswers.to(model.Device); // [b, n_wrong]
            var copies = new[] { answers, wrong }.Where(t => !ReferenceEquals(t, part.Answers) && !ReferenceEquals(t, part.WrongAnswers)).ToList();
            return new Kept(new PromptBatch(patcher, answers, wrong), slice, copies, patcher.RecordedBytes);
        }
        catch
        {
            slice?.Dispose();
            throw;
        }
    }

    /// <summary>A built batch, the slice of the task it reads (null for the whole task) and the bytes it holds.</summary>
    private sealed record Kept(PromptBatch Batch, TaskBatch? Slice, IReadOnlyList<TorchSharp.torch.Tensor> Copies, long Bytes) : IDisposable
    {
        public void Dispose()
        {
            Batch.Patcher.Dispose();
            Slice?.Dispose();
            foreach (var copy in Copies)
            {
                copy.Dispose();
            }
        }
    }
}
