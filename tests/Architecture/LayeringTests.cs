using System.Xml.Linq;
using Xunit;

namespace CircuitFinder.Tests.Architecture;

/// <summary>
/// Dependencies point one way (DESIGN.md): Core depends on nothing of ours and every other library may use it; Model
/// and Graph depend on Core alone; Tasks on Model; Patching on Model, Graph, Tasks; Scrubbing on Patching; Detectors on
/// Model, Graph, Tasks, Patching; Reports on Graph; Studies on every library below the CLI; Cli on all. Only executables reference the native libtorch package,
/// and Core references no TorchSharp at all.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Core"] = [],
        ["Model"] = ["Core"],
        ["Graph"] = ["Core"],
        ["Tasks"] = ["Model", "Core"],
        ["Patching"] = ["Model", "Graph", "Tasks", "Core"],
        ["Scrubbing"] = ["Patching", "Core"],
        ["Detectors"] = ["Model", "Graph", "Tasks", "Patching", "Core"],
        ["Reports"] = ["Graph", "Core"],
        ["Studies"] = ["Model", "Graph", "Tasks", "Patching", "Scrubbing", "Detectors", "Reports", "Core"],
    };

    public static TheoryData<string> Libraries => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Library_project_references_only_the_layers_below_it(string project)
    {
        var references = ProjectReferences(project);
        Assert.All(references, r => Assert.Contains(r, Allowed[project]));
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Library_project_does_not_reference_the_native_libtorch_package(string project)
    {
        var packages = Csproj(project).Descendants("PackageReference").Select(p => (string?)p.Attribute("Include"));
        Assert.DoesNotContain(packages, p => p is not null && p.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("TorchSharp-cpu", packages);
    }

    [Fact]
    public void Library_assemblies_reference_only_allowed_CircuitFinder_assemblies()
    {
        var assemblies = new[]
        {
            typeof(CircuitFinder.Core.BadInputException).Assembly,
            typeof(CircuitFinder.Model.HookedTransformer).Assembly,
            typeof(CircuitFinder.Graph.AssemblyMarker).Assembly,
            typeof(CircuitFinder.Tasks.TaskDataset).Assembly,
            typeof(CircuitFinder.Patching.EdgePatcher).Assembly,
            typeof(CircuitFinder.Scrubbing.AssemblyMarker).Assembly,
            typeof(CircuitFinder.Detectors.AssemblyMarker).Assembly,
            typeof(CircuitFinder.Reports.CircuitJson).Assembly,
            typeof(CircuitFinder.Studies.AssemblyMarker).Assembly,
        };
        foreach (var assembly in assemblies)
        {
            string layer = assembly.GetName().Name!.Replace("CircuitFinder.", string.Empty, StringComparison.Ordinal);
            var ours = assembly.GetReferencedAssemblies()
                .Select(a => a.Name!)
                .Where(n => n.StartsWith("CircuitFinder.", StringComparison.Ordinal))
                .Select(n => n.Replace("CircuitFinder.", string.Empty, StringComparison.Ordinal));
            Assert.All(ours, r => Assert.Contains(r, TransitiveAllowed(layer)));
        }
    }

    [Fact]
    public void Given_the_Core_project_when_its_references_are_read_then_neither_its_project_nor_its_assembly_names_TorchSharp()
    {
        var packages = Csproj("Core").Descendants("PackageReference").Select(p => (string?)p.Attribute("Include") ?? string.Empty);
        Assert.DoesNotContain(packages, p => p.Contains("torch", StringComparison.OrdinalIgnoreCase));
        var assemblies = typeof(CircuitFinder.Core.BadInputException).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty);
        Assert.DoesNotContain(assemblies, a => a.Contains("torch", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_library_except_Core_references_the_Core_project()
    {
        Assert.All(Allowed.Keys.Where(p => p != "Core"), p => Assert.Contains("Core", ProjectReferences(p)));
    }

    private static HashSet<string> TransitiveAllowed(string layer)
    {
        var result = new HashSet<string>();
        var stack = new Stack<string>(Allowed[layer]);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (result.Add(next))
            {
                foreach (var below in Allowed[next])
                {
                    stack.Push(below);
                }
            }
        }

        return result;
    }

    private static IEnumerable<string> ProjectReferences(string project) =>
        Csproj(project).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!).Replace("CircuitFinder.", string.Empty, StringComparison.Ordinal));

    private static XDocument Csproj(string project)
    {
        string root = RealModels.RepositoryRoot() ?? throw new InvalidOperationException("repository root (CircuitFinder.sln) not found above the test binaries");
        return XDocument.Load(Path.Combine(root, "src", project, $"CircuitFinder.{project}.csproj"));
    }
}
