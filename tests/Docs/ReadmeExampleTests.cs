using Xunit;

namespace CircuitFinder.Tests.Docs;

/// <summary>The README's C# code ("Patching, as a library"), built in a new project against the libraries and run.</summary>
[Collection(DocBuildsCollection.Name)]
public sealed class ReadmeExampleTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Given_the_readme_csharp_blocks_when_built_and_run_as_one_program_then_the_patched_edge_lowers_the_answer_log_probability()
    {
        var blocks = DocCode.CsharpBlocks(DocCode.Path("README.md"));
        Assert.NotEmpty(blocks);
        using var project = ExampleProject.AgainstRepository(DocCode.Program(blocks));
        string configuration = ExampleProject.TestConfiguration;
        var build = project.Build(configuration);
        Assert.True(build.ExitCode == 0, build.Describe("dotnet build of the README's C# code"));
        var run = project.Run(configuration);
        Assert.True(run.ExitCode == 0, run.Describe("the README's C# code"));

        ExampleProject.AssertPrints(run.Output, ["log p(answer): -0.94 with a0.h1->a1.h0<k> ablated, -0.47 with nothing ablated"]);
    }
}
