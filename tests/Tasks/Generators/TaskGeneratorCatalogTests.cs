using CircuitFinder.Tasks;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Generators;

public sealed class TaskGeneratorCatalogTests
{
    [Fact]
    public void The_catalog_lists_the_built_in_generators_in_order() =>
        Assert.Equal(["ioi", "greater-than", "docstring", "induction", "acronyms", "planted-ioi", "toy-ioi", "name-copy"], TaskGeneratorCatalog.Names);

    [Theory]
    [InlineData("ioi")]
    [InlineData("greater-than")]
    [InlineData("docstring")]
    [InlineData("induction")]
    [InlineData("acronyms")]
    [InlineData("name-copy")]
    public void Each_key_creates_the_generator_of_that_name_with_a_description(string name)
    {
        Assert.True(TaskGeneratorCatalog.TryCreate(name, out var generator));
        Assert.Equal(name, generator!.Name);
        Assert.False(string.IsNullOrWhiteSpace(generator.Description));
    }

    [Fact]
    public void An_unknown_key_creates_nothing()
    {
        Assert.False(TaskGeneratorCatalog.TryCreate("no-such-task", out var generator));
        Assert.Null(generator);
    }
}
