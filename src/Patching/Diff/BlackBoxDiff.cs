using CircuitFinder.Graph.Diff;
using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Patching.Views;
using CircuitFinder.Tasks;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// The diff of two models as black boxes: on a text, the log-probability of each actual next token under each model and
/// KL(A ‖ B) of their next-token distributions (float64, from the logits); on tasks, each task's metric and accuracy.
/// </summary>
internal static class BlackBoxDiff
{
    private const int ContextTokens = 8;

    public static TextDiff Text(HookedTransformer a, HookedTransformer b, IReadOnlyList<int> tokens, IReadOnlyList<TextWindow> windows, ModelDiffOptions options, Action<double> progress)
    {
        bool sameOutput = a.Config.EffectiveDVocabOut == b.Config.EffectiveDVocabOut;
        var positions = new List<TokenDiff>();
        for (int w = 0; w < windows.Count; w++)
        {
            var window = windows[w];
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logA = LogProbabilities(a, window.Ids); // [n, vA]
            var logB = LogProbabilities(b, window.Ids); // [n, vB]
            var next = NextTokens(window.Ids, a.Device); // [n-1, 1]
            var lpA = Matrix(logA.narrow(0, 0, next.shape[0]).gather(1, next).squeeze(1)); // [n-1]
            var lpB = Matrix(logB.narrow(0, 0, next.shape[0]).gather(1, next.to(b.Device)).squeeze(1)); // [n-1]
            double[]? kl = sameOutput
                ? Matrix((logA.exp() * (logA - logB.to(a.Device))).sum(-1).narrow(0, 0, next.shape[0])) // [n-1]
                : null;
            for (int i = 0; i < lpA.Length; i++)
            {
                int position = window.Start + i;
                int nextId = tokens[position + 1];
                positions.Add(new TokenDiff(position, nextId, TokenLabels.Token(options.Tokenizer, nextId), Context(options.Tokenizer, tokens, position), lpA[i], lpB[i], kl?[i]));
            }

            progress((w + 1.0) / windows.Count);
        }

        var top = positions.OrderByDescending(p => Math.Abs(p.Difference)).ThenBy(p => p.Position).Take(options.Top).ToList();
        var texts = tokens.Select(id => TokenLabels.Token(options.Tokenizer, id)).ToList();
        return new TextDiff(tokens, texts, windows.Count, positions, top);
    }

    public static TaskDiff Task(HookedTransformer a, HookedTransformer b, TaskDataset dataset)
    {
        string metricName = dataset.DefaultMetric == "kl" ? "logprob" : dataset.DefaultMetric;
        using var batch = TaskBatch.From(dataset);
        var (metricA, accuracyA) = TaskScores(a, batch, metricName);
        var (metricB, accuracyB) = TaskScores(b, batch, metricName);
        return new TaskDiff(dataset.Name, dataset.Prompts.Count, metricName, metricA, metricB, accuracyA, accuracyB);
    }

    /// <summary>The model's log-probabilities over the window, float64 <c>[n, d_vocab_out]</c>.</summary>
    public static Tensor LogProbabilities(HookedTransformer model, IReadOnlyList<int> ids) =>
        model.Forward(Tokens(ids, model.Device))[0].to(ScalarType.Float64).log_softmax(-1); // [n, v]

    /// <summary>The window as one prompt <c>[1, n]</c> on <paramref name="device"/>.</summary>
    public static Tensor Tokens(IReadOnlyList<int> ids, Device device) =>
        tensor(ids.Select(i => (long)i).ToArray(), device: device).unsqueeze(0); // [1, n]

    /// <summary>The ids each position predicts, <c>[n-1, 1]</c>.</summary>
    public static Tensor NextTokens(IReadOnlyList<int> ids, Device device) =>
        tensor(ids.Skip(1).Select(i => (long)i).ToArray(), device: device).unsqueeze(1); // [n-1, 1]

    public static double[] Matrix(Tensor vector) => vector.to(ScalarType.Float64).cpu().data<double>().ToArray();

    private static (double Metric, double Accuracy) TaskScores(HookedTransformer model, TaskBatch batch, string metricName)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.Forward(batch.Clean.to(model.Device), batch.AttentionMask?.to(model.Device)); // [b, p, v]
        using var metric = new TaskMetricFunction(model, batch, MetricCatalog.Create(metricName));
        using var accuracy = new TaskMetricFunction(model, batch, new AccuracyMetric());
        return (metric.Evaluate(logits), accuracy.Evaluate(logits));
    }

    /// <summary>Up to <see cref="ContextTokens"/> tokens before and including <paramref name="position"/>, decoded.</summary>
    private static string Context(ITokenizer? tokenizer, IReadOnlyList<int> tokens, int position)
    {
        int start = Math.Max(0, position + 1 - ContextTokens);
        var ids = tokens.Skip(start).Take(position + 1 - start).ToList();
        string text = tokenizer is null || ids.Any(id => id >= tokenizer.VocabularySize) ? string.Join(" ", ids.Select(id => TokenLabels.Token(tokenizer, id))) : tokenizer.Decode(ids);
        return start > 0 ? "…" + text : text;
    }
}
