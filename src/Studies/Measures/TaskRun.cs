using CircuitFinder.Model;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Patching.Views;
using CircuitFinder.Tasks;

namespace CircuitFinder.Studies.Measures;

/// <summary>
/// A task on a model, ready for the hook-based measures: its batch, its metric (the task's default) as a function of the
/// logits, head ablation (<see cref="HeadAblation"/>, resample from the corrupted prompts) and path patching
/// (<see cref="PathPatcher"/>) whose effects are fractions of the clean − corrupted gap.
/// </summary>
public sealed class TaskRun : IDisposable
{
    private readonly Lazy<PathPatcher> _paths;
    private readonly Lazy<HeadAblation> _ablation;

    public TaskRun(HookedTransformer model, TaskDataset dataset, string? metric = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        Metric = MetricCatalog.Create(metric ?? dataset.DefaultMetric);
        Batch = TaskBatch.From(dataset);
        Function = new TaskMetricFunction(model, Batch, Metric);
        _paths = new Lazy<PathPatcher>(() => new PathPatcher(model, Batch.Clean, Batch.Corrupt, Function.Evaluate, Batch.AttentionMask));
        _ablation = new Lazy<HeadAblation>(() => new HeadAblation(model, Batch.Clean, Batch.AttentionMask, Function.Evaluate, Batch.Corrupt));
    }

    public HookedTransformer Model { get; }

    public TaskDataset Dataset { get; }

    public IMetric Metric { get; }

    public TaskBatch Batch { get; }

    public TaskMetricFunction Function { get; }

    public HeadAblation Ablation => _ablation.Value;

    /// <summary>The metric on the clean prompts.</summary>
    public double Clean => Paths.CleanMetric;

    /// <summary>The metric on the corrupted prompts.</summary>
    public double Corrupted => Paths.CorruptedMetric;

    public PathPatcher Paths => _paths.Value;

    /// <summary>
    /// The share of the clean − corrupted gap that the path from the sender head to <paramref name="receivers"/> carries:
    /// (m_clean − m_patched) / (m_clean − m_corrupt); 0 when the path does not matter, 1 when it carries the whole effect.
    /// </summary>
    public double PathEffect(int layer, int head, IReadOnlyList<PathReceiver> receivers)
    {
        double patched = Paths.Patch(layer, head, receivers).Metric;
        return (Clean - patched) / (Clean - Corrupted);
    }

    /// <summary>The path to the logits (the residual stream after the last layer).</summary>
    public IReadOnlyList<PathReceiver> Logits => [PathReceiver.ResidPost(Model.Config.NLayers - 1)];

    public void Dispose()
    {
        if (_paths.IsValueCreated)
        {
            _paths.Value.Dispose();
        }

        if (_ablation.IsValueCreated)
        {
            _ablation.Value.Dispose();
        }

        Function.Dispose();
        Batch.Dispose();
    }
}
