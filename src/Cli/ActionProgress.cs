namespace CircuitFinder.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread (unlike <see cref="Progress{T}"/>, which posts to
/// the thread pool and may land after the work is done), for mapping a library's progress onto a progress bar.
/// </summary>
public sealed class ActionProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
