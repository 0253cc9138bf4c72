using CircuitFinder.Graph;
using CircuitFinder.Graph.Views;
using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// The views behind the circuit report's node panel (<see cref="NodeViews"/>): the attention patterns of the given heads
/// on the first few prompts of the task (<see cref="AttentionView"/>) and every head's and MLP's direct logit attribution
/// averaged over the first <see cref="AttributionPrompts"/> prompts of the task (<see cref="LensView.ForTask"/>, one
/// forward that caches the run, so its memory is bounded whatever the task's size). Models whose stream is not linear
/// (Gemma 2) get the patterns and a note instead of the attribution.
/// </summary>
public static class NodeViewRun
{
    /// <summary>At most this many heads get attention patterns (the strongest-connected first is the caller's order).</summary>
    public const int MaxHeads = 64;

    /// <summary>The attribution is averaged over at most this many prompts (the task's first).</summary>
    public const int AttributionPrompts = 32;

    public static NodeViews Compute(HookedTransformer model, ITokenizer? tokenizer, TaskDataset task, IEnumerable<Node> nodes, string modelName, int prompts = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(nodes);
        var heads = nodes.Where(n => n.Kind == NodeKind.AttentionHead).Distinct().Take(MaxHeads).ToList();
        var chosen = task.Prompts.Take(Math.Max(0, prompts)).Where(p => p.Clean.Count > 0).ToList();
        var tokenLists = chosen.Select(p => (IReadOnlyList<string>)p.Clean.Select(id => TokenLabels.Token(tokenizer, id)).ToList()).ToList();
        var patterns = heads.ToDictionary(h => h.Id, _ => new List<ViewMap>());
        if (heads.Count > 0)
        {
            var labels = heads.Select(h => new HeadLabel(h.Layer, h.Index)).ToList();
            foreach (var prompt in chosen)
            {
                var report = AttentionView.Patterns(model, tokenizer, prompt.Clean, labels, modelName, $"task {task.Name}");
                for (int i = 0; i < heads.Count; i++)
                {
                    patterns[heads[i].Id].Add(report.Heads[i]);
                }
            }
        }

        IReadOnlyDictionary<string, double>? attribution = null;
        string? target = null, note = null;
        try
        {
            var lens = LensView.ForTask(model, task.First(AttributionPrompts), modelName);
            var config = model.Config;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int l = 0; l < config.NLayers; l++)
            {
                for (int h = 0; h < config.NHeads; h++)
                {
                    values[Node.Head(l, h).Id] = lens.Components.At(HeadLabel.Name(l, h), "read position");
                }

                if (config.HasMlp)
                {
                    values[Node.Mlp(l).Id] = lens.Components.At($"MLP{l}", "read position");
                }
            }

            attribution = values;
            target = lens.Target;
        }
        catch (BadInputException e)
        {
            note = e.Message; // e.g. Gemma 2: no linear decomposition
        }

        return new NodeViews(tokenLists, patterns.ToDictionary(p => p.Key, p => (IReadOnlyList<ViewMap>)p.Value, StringComparer.Ordinal), attribution, target, note);
    }
}
