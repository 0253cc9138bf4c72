using Xunit;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// Tests that build and run new projects with the dotnet command run alone, one after another: they would otherwise
/// build the repository's projects concurrently, and each build wants both cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DocBuildsCollection
{
    public const string Name = "documentation builds (dotnet build of new projects)";
}
