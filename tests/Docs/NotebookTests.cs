using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// docs/notebooks/quickstart.ipynb is a valid nbformat 4 notebook for the .NET Interactive C# kernel, and its code
/// cells, joined in order (its <c>#r</c>/<c>#i</c> directives aside), build against the libraries.
/// </summary>
[Collection(DocBuildsCollection.Name)]
public sealed class NotebookTests
{
    private static string NotebookFile => DocCode.Path("docs/notebooks/quickstart.ipynb");

    [Fact]
    public void Given_the_quickstart_notebook_when_read_then_it_is_nbformat_4_for_the_csharp_kernel_with_well_formed_cells()
    {
        var notebook = JObject.Parse(File.ReadAllText(NotebookFile));

        Assert.Equal(4, (int?)notebook["nbformat"]);
        Assert.True((int?)notebook["nbformat_minor"] >= 4, "nbformat_minor below 4");
        Assert.Equal(".net-csharp", (string?)notebook.SelectToken("metadata.kernelspec.name"));
        Assert.Equal("C#", (string?)notebook.SelectToken("metadata.kernelspec.language"));
        var cells = Assert.IsType<JArray>(notebook["cells"]);
        Assert.NotEmpty(cells);
        var ids = new HashSet<string>();
        foreach (var cell in cells.Cast<JObject>())
        {
            string type = (string?)cell["cell_type"] ?? string.Empty;
            Assert.Contains(type, new[] { "markdown", "code", "raw" });
            Assert.IsType<JObject>(cell["metadata"]);
            Assert.True(cell["source"] is JArray { } parts ? parts.All(p => p.Type == JTokenType.String) : cell["source"]?.Type == JTokenType.String,
                "a cell's source must be a string or a list of strings");
            Assert.True(ids.Add((string?)cell["id"] ?? string.Empty), $"cell id '{cell["id"]}' is missing or repeated (nbformat 4.5 needs unique ids)");
            if (type == "code")
            {
                Assert.IsType<JArray>(cell["outputs"]);
                Assert.True(cell["execution_count"]?.Type is JTokenType.Null or JTokenType.Integer, "execution_count must be null or an integer");
            }
        }

        var code = DocCode.NotebookCodeCells(notebook);
        Assert.Contains(code, c => c.Contains("#r \"nuget: CircuitFinder, " + ExampleProject.Version + "\"", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Given_the_quickstart_notebook_when_its_code_cells_are_built_as_one_program_then_they_compile_against_the_libraries()
    {
        var notebook = JObject.Parse(File.ReadAllText(NotebookFile));
        using var project = ExampleProject.AgainstRepository(DocCode.Program(DocCode.NotebookCodeCells(notebook)));

        var build = project.Build(ExampleProject.TestConfiguration);

        Assert.True(build.ExitCode == 0, build.Describe("dotnet build of the notebook's code cells"));
    }
}
