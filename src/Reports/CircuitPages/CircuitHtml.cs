using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;

namespace CircuitFinder.Reports.CircuitPages;

/// <summary>
/// <c>circuit.html</c>: one self-contained HTML5 page (inline CSS and our own two inline scripts, nothing fetched; a
/// Content-Security-Policy admits only those scripts, by hash) that draws the circuit from <see cref="CircuitPageData"/>,
/// carried as JSON data in a <c>script type="application/json"</c> element with every <c>&lt;</c>, <c>&gt;</c> and
/// <c>&amp;</c> escaped, so no token string or id can end the element or become markup. The page's script puts strings
/// into the document as text only. <see cref="Generator"/> marks a page this writer made (<see cref="CircuitPageFile"/>).
/// </summary>
public static class CircuitHtml
{
    /// <summary>The content of the page's <c>meta name="generator"</c>.</summary>
    public const string Generator = "circuitfinder circuit report";

    private static readonly Lazy<string> Script = new(() => Resource("circuit.js"));
    private static readonly Lazy<string> ErrorScript = new(() => Resource("errors.js"));
    private static readonly Lazy<string> Style = new(() => Resource("circuit.css"));

    public static string Write(CircuitPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        string data = JsonConvert.SerializeObject(CircuitPageData.Build(page), Formatting.None)
            .Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal)
            .Replace("\u2028", "\\u2028", StringComparison.Ordinal)
            .Replace("\u2029", "\\u2029", StringComparison.Ordinal);
        string csp = $"default-src 'none'; script-src '{Hash(ErrorScript.Value)}' '{Hash(Script.Value)}'; style-src 'unsafe-inline'; img-src data:";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"generator\" content=\"").Append(Generator).Append("\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(csp).Append("\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(page.Title)).Append("</title>\n<style>").Append(Style.Value).Append("</style>\n")
            .Append("<script>").Append(ErrorScript.Value).Append("</script>\n</head>\n<body>\n<header>\n<h1>").Append(E(page.Title)).Append("</h1>\n")
            .Append("<div id=\"controls\"><label for=\"mode\">show</label> <select id=\"mode\">")
            .Append("<option value=\"circuit\">the circuit's edges</option><option value=\"top\">the top N edges by |score|</option>")
            .Append("<option value=\"above\">every edge with |score| &ge;</option></select> ")
            .Append("<input id=\"value\" type=\"number\" min=\"0\" step=\"any\" aria-label=\"N or |score|\" disabled> <span id=\"count\"></span>")
            .Append("<span id=\"no-scores\" class=\"note\" hidden>(the file has no scores: only the circuit can be shown)</span></div>\n</header>\n")
            .Append("<div id=\"legend\">").Append(Legend).Append("</div>\n")
            .Append("<main><div id=\"graph-wrap\"><svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"the circuit\"></svg></div>\n")
            .Append("<aside id=\"panel\"><p class=\"note\">Hover over an edge or a node for its id and score; click it for details.</p></aside></main>\n")
            .Append("<section><h2>The run</h2><div id=\"run\"></div></section>\n")
            .Append("<section><h2>Verification</h2><div id=\"verification\"></div></section>\n")
            .Append("<div id=\"tip\" hidden></div>\n")
            .Append("<script type=\"application/json\" id=\"circuit-data\">").Append(data).Append("</script>\n")
            .Append("<script>").Append(Script.Value).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private const string Legend =
        "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#1f77b4\" stroke-width=\"3\"/></svg>into a query (q)</span>"
        + "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#2ca02c\" stroke-width=\"3\"/></svg>key (k)</span>"
        + "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#d62728\" stroke-width=\"3\"/></svg>value (v)</span>"
        + "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#555555\" stroke-width=\"3\"/></svg>into an MLP or the logits</span>"
        + "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#333\" stroke-width=\"2\"/></svg>positive score</span>"
        + "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#333\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/></svg>negative score</span>"
        + "<span>width &prop; |score| (of the edges shown)</span>"
        + "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#333\" stroke-width=\"2\" opacity=\".35\"/></svg>not in the circuit</span>"
        + "<span><svg width=\"28\" height=\"16\"><rect x=\"1\" y=\"1\" width=\"26\" height=\"14\" rx=\"3\" fill=\"#eef3fb\" stroke=\"#222\" stroke-width=\"2\"/></svg>node in the circuit</span>";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>The CSP source of an inline script: <c>sha256-</c> and the base64 SHA-256 of its UTF-8 text.</summary>
    private static string Hash(string script) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CircuitFinder.Reports.CircuitPages." + name)
            ?? throw new InvalidOperationException($"missing embedded resource {name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
