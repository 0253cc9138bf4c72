using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tests.Docs;

/// <summary>
/// The C# code of the documentation: fenced <c>```csharp</c> blocks of a Markdown file and the code cells of a .NET
/// Interactive notebook, and the one program they make when joined in order (using directives first, as a
/// <c>Program.cs</c> with top-level statements needs them; notebook directives such as <c>#r</c> dropped).
/// </summary>
public static partial class DocCode
{
    public static string Repository => RealModels.RepositoryRoot() ?? throw new InvalidOperationException("no CircuitFinder.sln above the test binaries");

    public static string Path(string relative) => System.IO.Path.Combine(Repository, relative);

    /// <summary>The bodies of the <c>```csharp</c> blocks in <paramref name="markdownFile"/>, in order.</summary>
    public static IReadOnlyList<string> CsharpBlocks(string markdownFile)
    {
        var blocks = new List<string>();
        StringBuilder? current = null;
        foreach (var line in File.ReadAllLines(markdownFile))
        {
            if (current is null)
            {
                if (line.Trim() is "```csharp" or "```cs" or "```c#")
                {
                    current = new StringBuilder();
                }
            }
            else if (line.Trim() == "```")
            {
                blocks.Add(current.ToString());
                current = null;
            }
            else
            {
                current.Append(line).Append('\n');
            }
        }

        return blocks;
    }

    /// <summary>The notebook's code cells (each cell's source joined into one string), in order.</summary>
    public static IReadOnlyList<string> NotebookCodeCells(JObject notebook) =>
        ((JArray)notebook["cells"]!).OfType<JObject>()
            .Where(c => (string?)c["cell_type"] == "code")
            .Select(c => c["source"] is JArray parts ? string.Concat(parts.Select(p => (string?)p)) : (string?)c["source"] ?? string.Empty)
            .ToList();

    /// <summary>
    /// One <c>Program.cs</c> from code fragments: their <c>using</c> directives (not <c>using</c> statements) first,
    /// deduplicated, then the rest in order; lines starting with <c>#r</c>, <c>#i</c> or <c>#!</c> (notebook directives) dropped.
    /// </summary>
    public static string Program(IEnumerable<string> fragments)
    {
        var usings = new List<string>();
        var body = new StringBuilder();
        foreach (var fragment in fragments)
        {
            foreach (var raw in fragment.Replace("\r\n", "\n").Split('\n'))
            {
                var line = raw.TrimEnd();
                if (line.StartsWith("#r ", StringComparison.Ordinal) || line.StartsWith("#i ", StringComparison.Ordinal) || line.StartsWith("#!", StringComparison.Ordinal))
                {
                    continue;
                }

                if (UsingDirective().IsMatch(line))
                {
                    if (!usings.Contains(line))
                    {
                        usings.Add(line);
                    }

                    continue;
                }

                body.Append(line).Append('\n');
            }

            body.Append('\n');
        }

        return string.Join('\n', usings) + "\n\n" + body.ToString().TrimEnd() + "\n";
    }

    [GeneratedRegex(@"^using (static )?[A-Za-z_][A-Za-z0-9_.]*( = [A-Za-z_][A-Za-z0-9_.<>]*)?;$")]
    private static partial Regex UsingDirective();
}
