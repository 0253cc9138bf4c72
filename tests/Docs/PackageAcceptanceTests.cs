using Xunit;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// What a .NET user does, end to end: pack the repository into a local feed, reference the CircuitFinder package
/// from that feed alone in a new console project (other packages come from the local NuGet packages cache, restored
/// into a private folder so no earlier CircuitFinder package is reused), build it and run docs/library.md's program;
/// then install the circuitfinder tool from the same feed and run <c>zoo list</c> and the README's discovery command.
/// Slow: a Release pack of every project and a 200 MB tool package.
/// </summary>
[Collection(DocBuildsCollection.Name)]
public sealed class PackageAcceptanceTests
{
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(25);
    private static readonly TimeSpan ToolLimit = TimeSpan.FromMinutes(10);

    [Fact]
    [Trait("Category", "Slow")]
    public void Given_the_packed_feed_when_a_new_project_references_CircuitFinder_and_the_tool_is_installed_then_the_library_example_and_the_readme_commands_run()
    {
        using var temp = new TemporaryFolder();
        string feed = temp.File("feed");
        string version = ExampleProject.Version;

        var pack = DotnetCommand.Run(DocCode.Repository, PackLimit, "pack", DocCode.Path("CircuitFinder.sln"), "-c", "Release", "-o", feed,
            "--artifacts-path", temp.File("artifacts"), "--nologo", "-v", "q", "-clp:ErrorsOnly;Summary", "--disable-build-servers", "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.Describe("dotnet pack CircuitFinder.sln"));
        foreach (var package in new[] { "CircuitFinder", "CircuitFinder.Core", "CircuitFinder.Model", "CircuitFinder.Graph", "CircuitFinder.Tasks",
                     "CircuitFinder.Patching", "CircuitFinder.Scrubbing", "CircuitFinder.Detectors", "CircuitFinder.Reports", "CircuitFinder.Studies", "CircuitFinder.Cli" })
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{version}.nupkg")), $"{package}.{version}.nupkg is not in the feed: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");
        }

        Assert.True(File.Exists(Path.Combine(feed, $"CircuitFinder.Model.{version}.snupkg")), "no symbol package for CircuitFinder.Model");

        using var project = ExampleProject.AgainstPackage(LibraryWalkthroughTests.Program, version, feed, PackagesCache, temp.File("packages"));
        var build = project.Build("Debug");
        Assert.True(build.ExitCode == 0, build.Describe("dotnet build of a new project referencing the CircuitFinder package"));
        var run = project.Run("Debug");
        Assert.True(run.ExitCode == 0, run.Describe("docs/library.md's program built against the package"));
        ExampleProject.AssertPrints(run.Output, LibraryWalkthroughTests.ExpectedLines);

        string tools = temp.File("tools");
        var install = DotnetCommand.Run(project.Folder, ToolLimit, "tool", "install", "CircuitFinder.Cli", "--version", version, "--tool-path", tools,
            "--configfile", project.File("nuget.config"));
        Assert.True(install.ExitCode == 0, install.Describe("dotnet tool install CircuitFinder.Cli --tool-path"));
        string circuitfinder = Path.Combine(tools, "circuitfinder");

        var zoo = DotnetCommand.RunExecutable(circuitfinder, temp.Path, ToolLimit, "zoo", "list");
        Assert.True(zoo.ExitCode == 0, zoo.Describe("circuitfinder zoo list (installed tool)"));
        Assert.Contains("attn-only-2l", zoo.Output, StringComparison.Ordinal);

        var discover = ReadmeDiscoveryArguments();
        var discovery = DotnetCommand.RunExecutable(circuitfinder, temp.Path, ToolLimit, ["--quiet", .. discover]);
        Assert.True(discovery.ExitCode == 0, discovery.Describe($"circuitfinder {string.Join(' ', discover)} (installed tool)"));
        string outFolder = Path.Combine(temp.Path, discover[Array.IndexOf(discover, "--out") + 1]);
        Assert.True(File.Exists(Path.Combine(outFolder, "circuit.json")), $"no circuit.json in {outFolder}:\n{discovery.Output}");
    }

    [Fact]
    public void Given_the_readme_when_its_first_command_is_read_then_it_is_a_discovery_with_an_out_folder()
    {
        var arguments = ReadmeDiscoveryArguments();

        Assert.Equal("discover", arguments[0]);
        Assert.Contains("--out", arguments);
    }

    /// <summary>The README's first command (<c>./circuitfinder discover ...</c>), its arguments without the comment.</summary>
    private static string[] ReadmeDiscoveryArguments()
    {
        var line = File.ReadLines(DocCode.Path("README.md")).First(l => l.StartsWith("./circuitfinder ", StringComparison.Ordinal));
        var command = line.Split('#')[0].Trim();
        return command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
    }

    private static string PackagesCache =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
