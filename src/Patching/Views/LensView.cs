using CircuitFinder.Graph.Views;
using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// The logit lens (<see cref="LogitLens"/>) and direct logit attribution (<see cref="DirectLogitAttribution"/>) from one
/// forward pass, as a tensor-free <see cref="LensReport"/>: for one prompt per position, for a task at each prompt's read
/// position averaged over the prompts.
/// </summary>
public static class LensView
{
    /// <summary>
    /// One prompt <paramref name="ids"/>: the target is <paramref name="answer"/>'s logit (minus <paramref name="wrong"/>'s
    /// where given) at every position; without an answer, the model's own most likely token at the last position.
    /// </summary>
    public static LensReport ForPrompt(HookedTransformer model, ITokenizer? tokenizer, IReadOnlyList<int> ids, int? answer, int? wrong, string modelName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        LinearDecomposition.Require(model, "lens");
        if (ids.Count == 0)
        {
            throw new BadInputException("lens: the prompt has no tokens");
        }

        CheckToken(answer, model, "--answer");
        CheckToken(wrong, model, "--wrong");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int p = ids.Count;
        var tokens = tensor(ids.Select(i => (long)i).ToArray(), device: model.Device).unsqueeze(0); // [1, p]
        using var run = ViewRun.Run(model, tokens, null);
        int target = answer ?? (int)run.Logits[0, -1].argmax().item<long>();
        var prompts = zeros(p, ScalarType.Int64, model.Device); // [R = p]
        var positions = arange(p, ScalarType.Int64, model.Device); // [R]
        var answers = full(p, 1, target, ScalarType.Int64, model.Device); // [R, 1]
        var wrongs = wrong is { } w ? full(p, 1, w, ScalarType.Int64, model.Device) : zeros(p, 0, ScalarType.Int64, model.Device);
        var directions = new LogitDirections(model, answers, wrongs);
        var accumulated = run.Accumulated(prompts, positions); // [L+1, R, d]
        var lens = LogitLens.Target(run, accumulated, prompts, positions, directions); // [L+1, R]
        var (attribution, labels) = DirectLogitAttribution.Compute(run, prompts, positions, directions); // [C, R]
        var own = directions.OnLogits(run.Logits[0]); // [R]
        var top = LogitLens.Unembedded(run, accumulated, prompts, positions).argmax(-1); // [L+1, R]
        var topTokens = MatrixRows(Matrix(top)).Select(row => (IReadOnlyList<string>)row.Select(id => TokenLabels.Token(tokenizer, (int)id)).ToList()).ToList();

        string answerText = Quote(TokenLabels.Token(tokenizer, target));
        string targetText = wrong is { } wrongId ? $"logit({answerText}) - logit({Quote(TokenLabels.Token(tokenizer, wrongId))})" : $"logit({answerText})";
        var columns = TokenLabels.Positions(tokenizer, ids);
        return Report(model, modelName, "prompt", 1, targetText, wrong is not null, columns, lens, attribution, labels, own, topTokens);
    }

    /// <summary>
    /// A task: the target is each prompt's mean answer logit minus its mean wrong-answer logit (the answers' alone where a
    /// prompt has none), read at its read position on the clean prompt, averaged over the prompts.
    /// </summary>
    public static LensReport ForTask(HookedTransformer model, TaskDataset task, string modelName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        LinearDecomposition.Require(model, "lens");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var batch = TaskBatch.From(task);
        var tokens = batch.Clean.to(model.Device);
        var mask = batch.AttentionMask?.to(model.Device);
        using var run = ViewRun.Run(model, tokens, mask);
        var prompts = arange(batch.Count, ScalarType.Int64, model.Device); // [R = n]
        var positions = batch.ReadPositions.to(model.Device); // [R]
        var directions = new LogitDirections(model, batch.Answers, batch.WrongAnswers);
        var lens = LogitLens.Target(run, run.Accumulated(prompts, positions), prompts, positions, directions).mean([1L], keepdim: true); // [L+1, 1]
        var (attribution, labels) = DirectLogitAttribution.Compute(run, prompts, positions, directions);
        var read = run.Logits.index(TensorIndex.Tensor(prompts), TensorIndex.Tensor(positions)); // [R, v]
        var own = directions.OnLogits(read).mean([0L], keepdim: true); // [1]
        bool hasWrong = task.Prompts.Any(x => x.WrongAnswers.Count > 0);
        string targetText = hasWrong ? "mean logit of the answers - mean logit of the wrong answers" : "mean logit of the answers";
        return Report(
            model, modelName, $"task {task.Name}", task.Prompts.Count, targetText, hasWrong, ["read position"], lens, attribution.mean([1L], keepdim: true), labels, own, null);
    }

    private static LensReport Report(
        HookedTransformer model,
        string modelName,
        string source,
        int count,
        string target,
        bool difference,
        IReadOnlyList<string> columns,
        Tensor lens,
        Tensor attribution,
        IReadOnlyList<string> labels,
        Tensor own,
        IReadOnlyList<IReadOnlyList<string>>? topTokens)
    {
        var config = model.Config;
        string value = difference ? "logit difference" : "logit";
        var lensValues = Matrix(lens);
        var attributionValues = Matrix(attribution);
        var lensMap = ViewMap.From(
            "lens", $"{modelName}: logit lens, {target}", "accumulated residual", ColumnAxis(columns), LogitLens.Labels(config.NLayers), columns, lensValues, value);
        var components = ViewMap.From(
            "dla-components", $"{modelName}: direct logit attribution, {target}", "component", ColumnAxis(columns), labels, columns, attributionValues, value);
        var heads = new double[config.NLayers, config.NHeads];
        int last = columns.Count - 1;
        for (int l = 0; l < config.NLayers; l++)
        {
            for (int h = 0; h < config.NHeads; h++)
            {
                heads[l, h] = attributionValues[IndexOf(labels, HeadLabel.Name(l, h)), last];
            }
        }

        var headMap = ViewMap.From(
            "dla-heads",
            $"{modelName}: direct logit attribution per head ({columns[last]})",
            "layer",
            "head",
            Enumerable.Range(0, config.NLayers).Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            Enumerable.Range(0, config.NHeads).Select(h => h.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            heads,
            value);
        var sums = Enumerable.Range(0, columns.Count).Select(c => Enumerable.Range(0, labels.Count).Sum(r => attributionValues[r, c])).ToList();
        var ownValues = own.to(ScalarType.Float64).cpu().data<double>().ToArray();
        return new LensReport(modelName, source, count, target, lensMap, components, headMap, ownValues, sums, topTokens);
    }

    private static string ColumnAxis(IReadOnlyList<string> columns) => columns.Count == 1 && columns[0] == "read position" ? "read position" : "position";

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no component {label}");
    }

    private static double[,] Matrix(Tensor values)
    {
        var cpu = values.to(ScalarType.Float64).cpu();
        long rows = cpu.shape[0], columns = cpu.shape[1];
        var data = cpu.contiguous().data<double>().ToArray();
        var result = new double[rows, columns];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < columns; c++)
            {
                result[r, c] = data[(r * columns) + c];
            }
        }

        return result;
    }

    private static IEnumerable<double[]> MatrixRows(double[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(r => Enumerable.Range(0, m.GetLength(1)).Select(c => m[r, c]).ToArray());

    private static void CheckToken(int? id, HookedTransformer model, string option)
    {
        if (id is { } t && (t < 0 || t >= model.Config.EffectiveDVocabOut))
        {
            throw new BadInputException($"{option}: token id {t} is outside the model's output vocabulary 0..{model.Config.EffectiveDVocabOut - 1}");
        }
    }

    private static string Quote(string token) => $"'{token}'";
}
