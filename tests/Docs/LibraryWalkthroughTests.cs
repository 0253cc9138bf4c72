using Xunit;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// docs/library.md's code blocks, joined in order, are one program; built in a new project against the libraries
/// (as the CircuitFinder package brings them) and run, it prints the numbers <see cref="ExpectedLines"/> pins.
/// </summary>
[Collection(DocBuildsCollection.Name)]
public sealed class LibraryWalkthroughTests
{
    /// <summary>Lines the walkthrough prints that do not depend on the machine (shapes, counts, and values to two decimals).</summary>
    public static readonly string[] ExpectedLines =
    [
        "model: 2 layers, 4 heads of 16, d_vocab 64, 34 hook points",
        "from a folder: transformerlens, 44608 parameters",
        "task: 16 prompts of 21 tokens",
        "hook_pattern: [16, 4, 21, 21]",
        "clean accuracy: 1.00",
        "accuracy without L1H3: 0.56",
        "graph: 10 nodes, 81 edges",
        "log p(answer): clean -0.47, without a0.h1->a1.h0<k> -0.94",
        "circuit: 23 of 81 edges, faithfulness 0.94",
        "verified: faithfulness 0.90, worst completeness gap 0.11",
    ];

    public static string Program => DocCode.Program(DocCode.CsharpBlocks(DocCode.Path("docs/library.md")));

    [Fact]
    [Trait("Category", "Slow")]
    public void Given_the_library_walkthrough_when_its_blocks_are_built_and_run_as_one_program_then_it_prints_the_expected_numbers_and_writes_both_reports()
    {
        using var project = ExampleProject.AgainstRepository(Program);
        string configuration = ExampleProject.TestConfiguration;
        var build = project.Build(configuration);
        Assert.True(build.ExitCode == 0, build.Describe("dotnet build of docs/library.md's program"));
        var run = project.Run(configuration);
        Assert.True(run.ExitCode == 0, run.Describe("docs/library.md's program"));

        ExampleProject.AssertPrints(run.Output, ExpectedLines);
        Assert.True(File.Exists(project.File("circuit.json")), "no circuit.json written");
        Assert.True(File.Exists(project.File("verification.json")), "no verification.json written");
    }
}
