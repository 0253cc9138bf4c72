using CircuitFinder.Graph.Diff;
using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// The diff of two models (Nanda's open problems 6.49–6.58), as a tensor-free <see cref="ModelDiffReport"/>:
/// <list type="bullet">
/// <item>black box, for any two models that take the same token ids: per position of a text the log-probability of the
/// actual next token under each model, their difference and KL(A ‖ B), the top positions; each task's metric and accuracy;</item>
/// <item>inside, where both have the same structure (same layers, heads and parameter shapes; otherwise the report says
/// what differs): relative Frobenius norms of the weight differences per parameter, head and neuron; the mean activation
/// difference per hook point; direct logit attribution per component in each model; and activation patching from B into
/// A per head, MLP and residual stream on the positions where B beats A most.</item>
/// </list>
/// A model diffed with itself gives exactly 0 everywhere (<see cref="ModelDiffReport.Identical"/>).
/// </summary>
public static class ModelDiff
{
    /// <summary>
    /// Compares <paramref name="a"/> and <paramref name="b"/> on <paramref name="tokens"/> (the text's token ids; empty:
    /// no text, only tasks and weights), with <paramref name="progress"/> told (step, fraction of the step done).
    /// Bad input (<see cref="BadInputException"/>): ids outside either vocabulary, a text of one token, a text longer than
    /// n_ctx without <see cref="ModelDiffOptions.Chunk"/>, a non-positive <see cref="ModelDiffOptions.Top"/>.
    /// </summary>
    public static ModelDiffReport Compare(
        HookedTransformer a, HookedTransformer b, IReadOnlyList<int> tokens, ModelDiffOptions? options = null, IProgress<(string Step, double Fraction)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(tokens);
        options ??= ModelDiffOptions.Default;
        if (options.Top < 1)
        {
            throw new BadInputException($"--top must be positive, got {options.Top}");
        }

        if (tokens.Count == 1)
        {
            throw new BadInputException("the text has one token; a diff needs at least two (a token and the one it predicts)");
        }

        TokenizerLoader.CheckIds(tokens, Math.Min(a.Config.DVocab, b.Config.DVocab), "the text");
        var windows = tokens.Count == 0 ? [] : TextWindow.Split(tokens, Math.Min(a.Config.NCtx, b.Config.NCtx), options.Chunk);
        void Report(string step, double fraction) => progress?.Report((step, fraction));

        var text = windows.Count == 0 ? null : BlackBoxDiff.Text(a, b, tokens, windows, options, f => Report("text", f));
        var tasks = new List<TaskDiff>();
        foreach (var task in options.Tasks)
        {
            Report($"task {task.Name}", 0);
            tasks.Add(BlackBoxDiff.Task(a, b, task));
        }

        string? refused = options.Inside ? StructureDifference(a, b) : "not asked for";
        var inside = refused is null ? Inside(a, b, windows, text, options, Report) : null;
        return new ModelDiffReport(options.NameA, options.NameB, text, tasks, inside, refused);
    }

    /// <summary>Null where <paramref name="a"/> and <paramref name="b"/> have the same structure, else what differs first.</summary>
    public static string? StructureDifference(HookedTransformer a, HookedTransformer b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return WeightComparison.StructureDifference(a, b);
    }

    /// <summary>
    /// The weight diff alone (no text needed): parameters and heads ranked by relative Frobenius norm, and the
    /// <paramref name="topNeurons"/> neurons that changed most. Bad input where the structures differ.
    /// </summary>
    public static InsideDiff Weights(HookedTransformer a, HookedTransformer b, int topNeurons = 100)
    {
        RequireSameStructure(a, b);
        return new InsideDiff(
            WeightComparison.Parameters(a, b), WeightComparison.Heads(a, b), WeightComparison.Neurons(a, b, topNeurons), [], [], null, "weights only");
    }

    private static void RequireSameStructure(HookedTransformer a, HookedTransformer b)
    {
        if (StructureDifference(a, b) is { } difference)
        {
            throw new BadInputException($"the two models differ in structure ({difference}); only the black-box diff compares them");
        }
    }

    private static InsideDiff Inside(
        HookedTransformer a, HookedTransformer b, IReadOnlyList<TextWindow> windows, TextDiff? text, ModelDiffOptions options, Action<string, double> report)
    {
        report("weights", 0);
        var parameters = WeightComparison.Parameters(a, b);
        var heads = WeightComparison.Heads(a, b);
        var neurons = WeightComparison.Neurons(a, b, options.TopNeurons);
        if (text is null)
        {
            return new InsideDiff(parameters, heads, neurons, [], [], null, "no text: activations, attribution and patching need one");
        }

        var activations = ActivationComparison.Compare(a, b, windows, f => report("activations", f));
        var notes = new List<string>();
        IReadOnlyList<AttributionDiff> attribution = [];
        try
        {
            attribution = AttributionComparison.Compare(a, b, windows, f => report("attribution", f));
        }
        catch (BadInputException e)
        {
            notes.Add(e.Message);
        }

        var patching = RecoveryPatching.Compare(a, b, windows, text, options.Top, f => report("patching", f));
        if (patching is null)
        {
            notes.Add("B does not beat A at any position of the text, so there is no advantage to recover by patching");
        }

        return new InsideDiff(parameters, heads, neurons, activations, attribution, patching, notes.Count == 0 ? null : string.Join("; ", notes));
    }
}
