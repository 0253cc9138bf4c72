using System.Globalization;
using System.Text;
using CircuitFinder.Graph;

namespace CircuitFinder.Reports;

/// <summary>
/// Graphviz DOT for a circuit: its nodes (heads as <c>L2H1</c>), its edges coloured by the q/k/v input, solid for a
/// positive and dashed for a negative score, pen width growing with |score|, labelled with the input (and in a
/// positional graph the position group, <c>k@S2</c>) and the score; input at the bottom, logits at the top; at neuron
/// level a dotted line from each MLP to its neurons in the circuit; a legend node says all that.
/// </summary>
public static class CircuitDot
{
    public static string Write(ComputeGraph graph, Circuit circuit, IReadOnlyDictionary<Edge, double> scores, string title)
    {
        var text = new StringBuilder();
        text.Append("digraph circuit {\n");
        text.Append(CultureInfo.InvariantCulture, $"  label=\"{Escape(title)}\";\n  labelloc=t;\n  rankdir=BT;\n");
        text.Append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fillcolor=\"#eef3fb\"];\n");
        var nodes = circuit.Nodes(graph);
        foreach (var node in nodes)
        {
            string fill = node.Kind switch
            {
                NodeKind.Input => "#e7f5e9",
                NodeKind.Logits => "#fbeaea",
                NodeKind.Mlp or NodeKind.Neuron => "#fff5e0",
                _ => "#eef3fb",
            };
            text.Append(CultureInfo.InvariantCulture, $"  \"{node.Id}\" [label=\"{Escape(node.DisplayName)}\", fillcolor=\"{fill}\"];\n");
        }

        // at neuron level a layer's neurons get a rank of their own above their MLP, which feeds them inside the model
        foreach (var layer in nodes.Where(n => n.Kind is NodeKind.AttentionHead or NodeKind.Mlp or NodeKind.Neuron).GroupBy(n => (n.Layer, n.Kind == NodeKind.Neuron)))
        {
            text.Append("  { rank=same; ").Append(string.Join(" ", layer.Select(n => $"\"{n.Id}\";"))).Append(" }\n");
        }

        foreach (var neuron in nodes.Where(n => n.Kind == NodeKind.Neuron))
        {
            text.Append(CultureInfo.InvariantCulture, $"  \"{Node.Mlp(neuron.Layer).Id}\" -> \"{neuron.Id}\" [style=dotted, color=\"#aaaaaa\", arrowhead=none, tooltip=\"the MLP's input feeds its neurons\"];\n");
        }

        double largest = circuit.Edges.Select(e => Math.Abs(scores.TryGetValue(e, out var s) ? s : 0)).DefaultIfEmpty(0).Max();
        foreach (var edge in circuit.Ordered(graph))
        {
            double score = scores.TryGetValue(edge, out var s) ? s : 0;
            double width = largest > 0 ? 0.5 + (4.0 * Math.Abs(score) / largest) : 1.0;
            string color = edge.Input switch { QkvInput.Q => "#1f77b4", QkvInput.K => "#2ca02c", QkvInput.V => "#d62728", _ => "#555555" };
            string input = (edge.Input is { } i ? i.ToString().ToLowerInvariant() : string.Empty) + (edge.Position is { } at ? "@" + at : string.Empty);
            string prefix = input.Length > 0 ? input + " " : string.Empty;
            string style = score < 0 ? ", style=dashed" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"  \"{edge.Source.Id}\" -> \"{edge.Destination.Id}\" [color=\"{color}\", fontcolor=\"{color}\", fontsize=9, penwidth={width:F2}{style}, label=\"{Escape(prefix)}{score:G3}\", tooltip=\"{Escape(edge.Id)} {score:G4}\"];\n");
        }

        text.Append(Legend);
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The legend: a node beside <c>input</c> (HTML-like label; fixed text, nothing from the data).</summary>
    private const string Legend =
        "  legend [shape=box, style=\"rounded\", fillcolor=\"#ffffff\", fontsize=10, label=<"
        + "<FONT COLOR=\"#1f77b4\">━ q</FONT>   <FONT COLOR=\"#2ca02c\">━ k</FONT>   <FONT COLOR=\"#d62728\">━ v</FONT>   <FONT COLOR=\"#555555\">━ into MLP or logits</FONT><BR/>"
        + "solid ━ positive score, dashed ┅ negative score<BR/>width ∝ |score|; edge label: input and score<BR/>dotted ┈ an MLP's input feeding its neurons (neuron level)>];\n"
        + "  { rank=source; legend; }\n";

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
