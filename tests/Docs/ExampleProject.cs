using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// A new console project in a temporary folder, outside this repository (so none of its Directory.Build files
/// apply), that uses CircuitFinder as a user's project would: either through the repository's projects (a project
/// reference to the <c>CircuitFinder</c> meta-package project plus its buildTransitive targets, which is what the
/// package brings) or through the <c>CircuitFinder</c> package from a feed. Builds and runs with generous limits for
/// a loaded 2-core machine.
/// </summary>
public sealed class ExampleProject : IDisposable
{
    public static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(10);

    private readonly TemporaryFolder _folder = new();

    private ExampleProject(string program, string references, string? nugetConfig)
    {
        System.IO.File.WriteAllText(File("Program.cs"), program);
        System.IO.File.WriteAllText(File("example.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <InvariantGlobalization>true</InvariantGlobalization>
                <!-- as in the repository: libtorch linked, not copied, into bin (a copy is ~640 MB) -->
                <CreateSymbolicLinksForCopyLocalIfPossible>true</CreateSymbolicLinksForCopyLocalIfPossible>
              </PropertyGroup>
            {references}
            </Project>
            """);
        if (nugetConfig is not null)
        {
            System.IO.File.WriteAllText(File("nuget.config"), nugetConfig);
        }
    }

    public string Folder => _folder.Path;

    public string File(string name) => System.IO.Path.Combine(_folder.Path, name);

    /// <summary>A project that references the repository's libraries the way the package does (built in the test's configuration).</summary>
    public static ExampleProject AgainstRepository(string program)
    {
        string package = DocCode.Path("src/Package/CircuitFinder.csproj");
        string targets = DocCode.Path("src/Package/buildTransitive/CircuitFinder.targets");
        return new ExampleProject(program, $"""
              <ItemGroup>
                <ProjectReference Include="{package}" />
              </ItemGroup>
              <Import Project="{targets}" />
            """, nugetConfig: null);
    }

    /// <summary>A project that references the CircuitFinder package of <paramref name="version"/> from <paramref name="feed"/> only (other packages from the local packages cache).</summary>
    public static ExampleProject AgainstPackage(string program, string version, string feed, string packagesCache, string restoreFolder) =>
        new(program, $"""
              <ItemGroup>
                <PackageReference Include="CircuitFinder" Version="{version}" />
              </ItemGroup>
            """, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{restoreFolder}" />
              </config>
              <packageSources>
                <clear />
                <add key="circuitfinder-feed" value="{feed}" />
                <add key="local-packages-cache" value="{packagesCache}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="circuitfinder-feed">
                  <package pattern="CircuitFinder" />
                  <package pattern="CircuitFinder.*" />
                </packageSource>
                <packageSource key="local-packages-cache">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

    /// <summary>The configuration the tests were built in (Debug or Release), read from their output path.</summary>
    public static string TestConfiguration =>
        Regex.Match(AppContext.BaseDirectory.Replace('\\', '/'), "/bin/([^/]+)/net").Groups[1].Value is { Length: > 0 } c ? c : "Debug";

    public DotnetCommand Build(string configuration) =>
        DotnetCommand.Run(Folder, BuildLimit, "build", File("example.csproj"), "-c", configuration, "--nologo", "-v", "q", "-clp:ErrorsOnly;Summary",
            "--disable-build-servers", "-nodeReuse:false");

    public DotnetCommand Run(string configuration) =>
        DotnetCommand.Run(Folder, RunLimit, System.IO.Path.Combine(Folder, "bin", configuration, "net10.0", "example.dll"));

    public void Dispose() => _folder.Dispose();

    /// <summary>Fails, showing the whole output, unless every expected line is one of the output's lines.</summary>
    public static void AssertPrints(string output, IEnumerable<string> expected)
    {
        var lines = output.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToHashSet();
        foreach (var line in expected)
        {
            Xunit.Assert.True(lines.Contains(line), $"expected the line \"{line}\" in the output:\n{output}");
        }
    }

    /// <summary>The package version set once in Directory.Build.props.</summary>
    public static string Version =>
        XDocument.Load(DocCode.Path("Directory.Build.props")).Descendants("Version").Single().Value;
}
