using CircuitFinder.Model;
using CircuitFinder.Patching.ActivationPatching;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// A task metric (<see cref="IMetric"/>) as a <see cref="PatchingMetric"/> for the hook-based patchers: logits
/// <c>[b, pos, d_vocab_out]</c> are read at each prompt's read position and the per-prompt values averaged. KL divergence
/// compares with the clean run's logits at the read positions.
/// </summary>
public sealed class TaskMetricFunction : IDisposable
{
    private readonly IMetric _metric;
    private readonly Tensor _readPositions; // [b]
    private readonly Tensor _answers; // [b, A]
    private readonly Tensor _wrong; // [b, W]
    private readonly Tensor _cleanLogits; // [b, v]

    public TaskMetricFunction(HookedTransformer model, TaskBatch batch, IMetric metric)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        _metric = metric ?? throw new ArgumentNullException(nameof(metric));
        var device = model.Device;
        _readPositions = batch.ReadPositions.to(device).DetachFromDisposeScope();
        _answers = batch.Answers.to(device).DetachFromDisposeScope();
        _wrong = batch.WrongAnswers.to(device).DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _cleanLogits = Read(model.Forward(batch.Clean.to(device), batch.AttentionMask?.to(device))).MoveToOuterDisposeScope();
        _cleanLogits.DetachFromDisposeScope();
    }

    /// <summary>The metric's catalog name.</summary>
    public string Name => _metric.Name;

    /// <summary>The metric of logits <c>[b, pos, d_vocab_out]</c>, averaged over the prompts.</summary>
    public double Evaluate(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var read = Read(logits).unsqueeze(0); // [1, b, v]
        return _metric.PerPrompt(read, new MetricTarget(_answers, _wrong, _cleanLogits)).mean().to(ScalarType.Float64).item<double>();
    }

    /// <summary>Logits at the read positions: <c>[b, pos, v]</c> → <c>[b, v]</c>.</summary>
    private Tensor Read(Tensor logits)
    {
        long b = logits.shape[0], v = logits.shape[2];
        var index = _readPositions.view(b, 1, 1).expand(b, 1, v); // [b, 1, v]
        return logits.gather(1, index).squeeze(1);
    }

    public void Dispose()
    {
        _readPositions.Dispose();
        _answers.Dispose();
        _wrong.Dispose();
        _cleanLogits.Dispose();
    }
}
