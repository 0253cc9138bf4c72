using System.Text.RegularExpressions;
using Xunit;

namespace CircuitFinder.Tests.Architecture;

/// <summary>
/// Each module's component is named once, by <c>[ComponentName(Name = "...")]</c> on its field, and registered by
/// <c>RegisterComponents()</c>; a <c>register_module("...")</c> / <c>register_parameter("...")</c> /
/// <c>register_buffer("...")</c> call with a string literal in the same file would name it a second time.
/// </summary>
public sealed partial class ComponentNameTests
{
    [Fact]
    public void Given_the_sources_when_a_file_names_components_by_attribute_then_it_registers_none_by_string_literal()
    {
        var offenders = NamingFiles()
            .SelectMany(f => LiteralRegistration().Matches(f.Text).Select(m => $"{f.Path}: {m.Value}"))
            .ToList();
        Assert.True(offenders.Count == 0, "components named twice (drop the call, RegisterComponents() uses the attribute):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Given_the_sources_when_a_file_names_components_by_attribute_then_it_calls_RegisterComponents()
    {
        var missing = NamingFiles().Where(f => !f.Text.Contains("RegisterComponents();", StringComparison.Ordinal)).Select(f => f.Path).ToList();
        Assert.True(missing.Count == 0, "files with [ComponentName] fields that never call RegisterComponents():\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Given_a_source_with_a_literal_registration_when_scanning_then_the_pattern_finds_it()
    {
        Assert.Matches(LiteralRegistration(), "register_module(\"hook_z\", _hookZ);");
        Assert.Matches(LiteralRegistration(), "register_parameter( @\"W_Q\", _wQ);");
        Assert.Matches(LiteralRegistration(), "this.register_buffer(\"mask\", _mask);");
        Assert.DoesNotMatch(LiteralRegistration(), "register_module(name, module);");
    }

    /// <summary>The <c>src</c> files (relative paths) that declare at least one <c>[ComponentName]</c>.</summary>
    private static IEnumerable<(string Path, string Text)> NamingFiles()
    {
        string root = RealModels.RepositoryRoot() ?? throw new InvalidOperationException("repository root (CircuitFinder.sln) not found above the test binaries");
        string src = Path.Combine(root, "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Path: Path.GetRelativePath(root, p), Text: File.ReadAllText(p)))
            .Where(f => f.Text.Contains("[ComponentName(", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        return files;
    }

    [GeneratedRegex("""register_(module|parameter|buffer)\(\s*[@$]*"[^"]""")]
    private static partial Regex LiteralRegistration();
}
