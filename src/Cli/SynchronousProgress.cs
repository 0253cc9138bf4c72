namespace CircuitFinder.Cli;

/// <summary>
/// Reports progress on the calling thread. <see cref="Progress{T}"/> would post each report to the thread pool, whose
/// allocations can start a garbage collection while the worker thread is inside a libtorch call; TorchSharp passes
/// temporary <c>Scalar</c> arguments (such as the implicit <c>alpha = 1</c> of <c>add</c>) by raw handle, and a
/// collection at that moment can finalize one mid-call (a use-after-free that libtorch reports as a bad scalar type).
/// Keeping every allocation on the one thread that calls libtorch rules that out.
/// </summary>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _report;

    public SynchronousProgress(Action<T> report) => _report = report;

    public void Report(T value) => _report(value);
}
