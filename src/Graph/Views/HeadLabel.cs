using System.Globalization;
using System.Text.RegularExpressions;

namespace CircuitFinder.Graph.Views;

/// <summary>
/// An attention head named <c>L{layer}H{head}</c> (TransformerLens / IOI-paper style, e.g. <c>L9H9</c>); <see cref="ParseList"/>
/// also takes a whole layer, <c>L3</c>, for every head of it.
/// </summary>
public readonly partial record struct HeadLabel(int Layer, int Head)
{
    public override string ToString() => Name(Layer, Head);

    /// <summary><c>L{layer}H{head}</c>.</summary>
    public static string Name(int layer, int head) => string.Create(CultureInfo.InvariantCulture, $"L{layer}H{head}");

    /// <summary>
    /// Parses one head <c>L{l}H{h}</c> (case-insensitive) and checks it exists in a model of <paramref name="layers"/> layers and
    /// <paramref name="heads"/> heads; a <see cref="BadInputException"/> naming <paramref name="option"/> and the label otherwise.
    /// </summary>
    public static HeadLabel Parse(string text, int layers, int heads, string option)
    {
        var match = HeadPattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new BadInputException($"{option}: '{text}' is not a head label (expected L{{layer}}H{{head}}, e.g. L1H2)");
        }

        var label = new HeadLabel(Number(match.Groups[1].Value, text, option), Number(match.Groups[2].Value, text, option));
        Check(label, layers, heads, option, text);
        return label;
    }

    /// <summary>
    /// Parses a comma-separated list of heads <c>L1H2</c> and whole layers <c>L1</c> (every head of it), in the order given,
    /// without repeats; at least one is needed.
    /// </summary>
    public static IReadOnlyList<HeadLabel> ParseList(string text, int layers, int heads, string option)
    {
        var result = new List<HeadLabel>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var layerOnly = LayerPattern().Match(part);
            if (layerOnly.Success)
            {
                int layer = Number(layerOnly.Groups[1].Value, part, option);
                if (layer >= layers)
                {
                    throw new BadInputException($"{option}: unknown layer '{part}' (the model has layers L0..L{layers - 1})");
                }

                result.AddRange(Enumerable.Range(0, heads).Select(h => new HeadLabel(layer, h)));
                continue;
            }

            result.Add(Parse(part, layers, heads, option));
        }

        if (result.Count == 0)
        {
            throw new BadInputException($"{option}: no heads given (e.g. L1H2,L0H1 or L1 for every head of layer 1)");
        }

        return result.Distinct().ToList();
    }

    private static void Check(HeadLabel label, int layers, int heads, string option, string text)
    {
        if (label.Layer >= layers || label.Head >= heads)
        {
            throw new BadInputException(
                $"{option}: unknown head '{text}' (the model has layers 0..{layers - 1} and heads 0..{heads - 1}, L0H0..L{layers - 1}H{heads - 1})");
        }
    }

    private static int Number(string digits, string text, string option) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new BadInputException($"{option}: '{text}' has a number out of range");

    [GeneratedRegex(@"^[Ll](\d+)[Hh](\d+)$")]
    private static partial Regex HeadPattern();

    [GeneratedRegex(@"^[Ll](\d+)$")]
    private static partial Regex LayerPattern();
}
