using Xunit;

namespace CircuitFinder.Tests.Patching;

/// <summary>
/// Tests that build float64 models (<see cref="RandomModels.Float64Model"/>) switch the process-wide default dtype for a
/// moment, so they run alone, after every parallel test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Float64Collection
{
    public const string Name = "float64 (not parallel)";
}
