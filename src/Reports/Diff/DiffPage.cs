using System.Globalization;
using CircuitFinder.Graph.Diff;
using CircuitFinder.Reports.Wiki;

namespace CircuitFinder.Reports.Diff;

/// <summary>
/// The diff report as a <see cref="Page"/>, rendered to Markdown (<c>diff.md</c>) and HTML (<c>diff.html</c>) by the wiki's
/// writers, which escape every string (token strings included). <c>image</c> maps a plot's file name to the source the
/// page shows (the file itself for Markdown, a data URI for the self-contained HTML).
/// </summary>
public static class DiffPage
{
    private const int Rows = 10;

    public static Page Build(ModelDiffReport report, IReadOnlyList<string> plots, Func<string, string> image)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(image);
        var blocks = new List<Block>
        {
            Paragraph.Of($"A: {report.ModelA}"),
            Paragraph.Of($"B: {report.ModelB}"),
            Paragraph.Of(report.Identical
                ? "Every difference is exactly 0: on this input the two models give the same log-probabilities, KL divergence 0, the same task scores" +
                  (report.Inside is null ? "." : ", and the same weights, activations, attributions; there is no advantage to patch.")
                : "The models differ; the largest differences come first in every table."),
        };
        Text(report.Text, blocks, Plot(plots, image, "logprobs"), Plot(plots, image, "difference"));
        Tasks(report.Tasks, blocks);
        blocks.Add(new Heading(2, "Inside"));
        if (report.Inside is not { } inside)
        {
            blocks.Add(Paragraph.Of($"Not compared inside: {report.InsideRefused}."));
        }
        else
        {
            Inside(inside, blocks, plots, image);
        }

        return new Page($"Model diff: {report.ModelA} → {report.ModelB}", blocks);
    }

    private static void Text(TextDiff? text, List<Block> blocks, Block? logprobs, Block? difference)
    {
        blocks.Add(new Heading(2, "Black box: the text"));
        if (text is null)
        {
            blocks.Add(Paragraph.Of("No text given."));
            return;
        }

        blocks.Add(new BulletList(
        [
            [new Inline($"{text.Tokens.Count} tokens, {text.Positions.Count} predicted positions, {text.Windows} window{(text.Windows == 1 ? string.Empty : "s")}")],
            [new Inline($"mean log p(next token): A {F(text.MeanLogProbA)}, B {F(text.MeanLogProbB)}; mean difference (B − A) {F(text.MeanDifference)}; largest |difference| {F(text.MaxAbsDifference)}")],
            [new Inline(text.MeanKl is { } kl ? $"mean KL(A ‖ B) of the next-token distributions: {F(kl)}" : "KL(A ‖ B): not defined (the output vocabularies differ in size)")],
        ]));
        blocks.Add(new Heading(3, $"The {text.Top.Count} positions where log p(next token) differs most"));
        blocks.Add(new Table(
            ["position", "context", "next token", "log p A", "log p B", "B − A", "KL(A ‖ B)"],
            text.Top.Select(p => (IReadOnlyList<Inline>)
            [
                new Inline(I(p.Position)), new Inline(p.Context), Inline.Tokens(p.NextTokenText), new Inline(F(p.LogProbA)), new Inline(F(p.LogProbB)),
                new Inline(F(p.Difference)), new Inline(p.Kl is { } k ? F(k) : "–"),
            ]).ToList()));
        AddIf(blocks, logprobs);
        AddIf(blocks, difference);
    }

    private static void Tasks(IReadOnlyList<TaskDiff> tasks, List<Block> blocks)
    {
        if (tasks.Count == 0)
        {
            return;
        }

        blocks.Add(new Heading(2, "Black box: tasks"));
        blocks.Add(new Table(
            ["task", "prompts", "metric", "A", "B", "accuracy A", "accuracy B"],
            tasks.Select(t => (IReadOnlyList<Inline>)
            [
                new Inline(t.Name), new Inline(I(t.Prompts)), new Inline(t.Metric), new Inline(F(t.MetricA)), new Inline(F(t.MetricB)),
                new Inline(F(t.AccuracyA)), new Inline(F(t.AccuracyB)),
            ]).ToList()));
    }

    private static void Inside(InsideDiff inside, List<Block> blocks, IReadOnlyList<string> plots, Func<string, string> image)
    {
        if (inside.Note is { } note)
        {
            blocks.Add(Paragraph.Of($"Note: {note}."));
        }

        blocks.Add(new Heading(3, "Weights: relative Frobenius norm ‖B − A‖ / ‖A‖"));
        blocks.Add(new Table(["parameter", "shape", "‖A‖", "‖B − A‖", "relative"], inside.Parameters.Take(Rows).Select(p => (IReadOnlyList<Inline>)
            [new Inline(p.Name), new Inline($"[{string.Join(", ", p.Shape)}]"), new Inline(F(p.NormA)), new Inline(F(p.DifferenceNorm)), new Inline(F(p.Relative))]).ToList()));
        blocks.Add(new Table(["head", "‖A‖", "‖B − A‖", "relative"], inside.Heads.Take(Rows).Select(Unit).ToList()));
        AddIf(blocks, Plot(plots, image, "weights-heads"));
        if (inside.Neurons.Count > 0)
        {
            blocks.Add(new Table(["neuron", "‖A‖", "‖B − A‖", "relative"], inside.Neurons.Take(Rows).Select(Unit).ToList()));
        }

        if (inside.Activations.Count > 0)
        {
            blocks.Add(new Heading(3, "Activations: mean |B − A| per hook point over the text"));
            blocks.Add(new Table(["hook point", "mean |B − A|", "mean |A|", "relative"], inside.Activations.Take(Rows).Select(a => (IReadOnlyList<Inline>)
                [Inline.Tokens(a.Hook), new Inline(F(a.MeanAbsDifference)), new Inline(F(a.MeanAbsA)), new Inline(F(a.Relative))]).ToList()));
        }

        if (inside.Attribution.Count > 0)
        {
            blocks.Add(new Heading(3, "Direct logit attribution to the actual next token, mean over the text"));
            blocks.Add(new Table(["component", "A", "B", "B − A", "mean |B − A|"], inside.Attribution.Take(Rows).Select(a => (IReadOnlyList<Inline>)
                [new Inline(a.Component), new Inline(F(a.MeanA)), new Inline(F(a.MeanB)), new Inline(F(a.MeanDifference)), new Inline(F(a.MeanAbsDifference))]).ToList()));
            AddIf(blocks, Plot(plots, image, "dla-heads"));
        }

        if (inside.Patching is { } patching)
        {
            blocks.Add(new Heading(3, "Activation patching from B into A"));
            blocks.Add(Paragraph.Of(
                $"On the {patching.Positions.Count} positions where B beats A most ({string.Join(", ", patching.Positions)}), B's advantage is {F(patching.Advantage)} nats in all; " +
                "each row is the fraction of it recovered when that component's activation in B replaces A's at every position."));
            blocks.Add(new Table(["component", "kind", "recovery"], patching.Components.Take(Rows).Select(c => (IReadOnlyList<Inline>)
                [new Inline(c.Component), new Inline(c.Kind), new Inline(F(c.Recovery))]).ToList()));
            AddIf(blocks, Plot(plots, image, "patching-heads"));
        }
    }

    private static IReadOnlyList<Inline> Unit(UnitWeightDiff u) =>
        [new Inline(u.Unit), new Inline(F(u.NormA)), new Inline(F(u.DifferenceNorm)), new Inline(F(u.Relative))];

    private static Image? Plot(IReadOnlyList<string> plots, Func<string, string> image, string name) =>
        plots.Contains(name + ".png") ? new Image(image(name + ".png"), name) : null;

    private static void AddIf(List<Block> blocks, Block? block)
    {
        if (block is not null)
        {
            blocks.Add(block);
        }
    }

    private static string F(double value) => value == 0 ? "0" : value.ToString("G5", CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
