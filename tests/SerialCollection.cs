using Xunit;

namespace CircuitFinder.Tests;

/// <summary>
/// Tests that change process-wide libtorch state run alone, after every parallel test: float64 models
/// (<see cref="Patching.RandomModels.Float64Model"/> switches the default dtype for a moment) and training runs that
/// must be bit-reproducible (the trainer sets libtorch's thread count, which a concurrent test could change).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial (process-wide torch state)";
}
