using System.Text.RegularExpressions;
using Xunit;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// The README and everything under docs/ stand alone in a clone: no path that leads outside the repository (a
/// sibling folder such as ../shared, an absolute path of the machine the docs were written on), and every relative
/// Markdown link resolves to a file or folder inside it.
/// </summary>
public sealed partial class SelfContainedDocsTests
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        data.Add("README.md");
        foreach (var file in Directory.EnumerateFiles(DocCode.Path("docs"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(DocCode.Repository, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Given_a_document_when_searched_then_it_names_no_path_outside_the_repository(string document)
    {
        var lines = File.ReadAllLines(DocCode.Path(document));
        var offending = lines.Select((line, i) => (line, number: i + 1))
            .Where(x => OutsidePath().IsMatch(x.line))
            .Select(x => $"{document}:{x.number}: {x.line.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, "paths outside the repository:\n" + string.Join('\n', offending));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Given_a_markdown_document_when_its_relative_links_are_followed_then_each_stays_inside_the_repository_and_exists(string document)
    {
        if (!document.EndsWith(".md", StringComparison.Ordinal))
        {
            return;
        }

        string folder = Path.GetDirectoryName(DocCode.Path(document))!;
        string root = Path.GetFullPath(DocCode.Repository) + Path.DirectorySeparatorChar;
        var broken = new List<string>();
        foreach (Match link in MarkdownLink().Matches(File.ReadAllText(DocCode.Path(document))))
        {
            string target = link.Groups[1].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            string full = Path.GetFullPath(Path.Combine(folder, target));
            if (!full.StartsWith(root, StringComparison.Ordinal) || !(File.Exists(full) || Directory.Exists(full)))
            {
                broken.Add(link.Value);
            }
        }

        Assert.True(broken.Count == 0, $"{document}: links that leave the repository or lead nowhere: {string.Join(", ", broken)}");
    }

    [GeneratedRegex(@"\.\./shared|/work/|\.\.[/\\]\.\.[/\\]\.\.|~/\.nuget|/root/|/home/(?!you/)")]
    private static partial Regex OutsidePath();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
