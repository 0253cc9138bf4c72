using Xunit;

namespace CircuitFinder.Tests;

/// <summary>
/// Where the real (non-fixture) model checkpoints live, if this machine has them: the folder named
/// by the environment variable <c>CIRCUITFINDER_REAL_MODELS</c>, else <c>../shared/realmodels</c>
/// beside the repository root (the folder holding CircuitFinder.sln). Tests that need them are
/// <c>[SkippableFact]</c>s that call <see cref="Require"/>: where the models are absent they are reported as skipped,
/// with the reason, never as passed.
/// </summary>
public static class RealModels
{
    public const string EnvironmentVariable = "CIRCUITFINDER_REAL_MODELS";

    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The real-models folder, or null when there is none.</summary>
    public static string? Folder => Found.Value;

    /// <summary>The full path of <paramref name="relativePath"/> inside <see cref="Folder"/>, or null when it is absent.</summary>
    public static string? File(string relativePath)
    {
        if (Folder is null)
        {
            return null;
        }

        var path = Path.Combine(Folder, relativePath);
        return System.IO.File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>The full path of <paramref name="relativePath"/> inside <see cref="Folder"/>; skips the calling test, saying why, when it is absent.</summary>
    public static string Require(string relativePath)
    {
        var path = File(relativePath);
        Skip.If(path is null, SkipReason);
        return path!;
    }

    /// <summary>A sentence for the test log saying why real-model tests did not run.</summary>
    public static string SkipReason =>
        $"no real models: set {EnvironmentVariable} or provide ../shared/realmodels beside the repository root";

    /// <summary>The folder holding CircuitFinder.sln, found by walking up from the test binaries.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "CircuitFinder.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string? Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        }

        var root = RepositoryRoot();
        if (root is null)
        {
            return null;
        }

        var shared = Path.GetFullPath(Path.Combine(root, "..", "shared", "realmodels"));
        return Directory.Exists(shared) ? shared : null;
    }
}
