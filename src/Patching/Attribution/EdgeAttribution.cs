using CircuitFinder.Graph;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Patching.Metrics;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// Edge attribution patching (Syed et al. 2023) and its integrated-gradients form EAP-IG (Hanna et al. 2024):
/// score(s→d) = Σ_{prompt, pos, d_model} (x̃_s − x_s) · ∂metric/∂input_d, the metric averaged over prompts. EAP takes
/// the gradient at the clean run; EAP-IG averages it over <c>steps</c> runs whose <c>input</c> node output lies on the
/// straight line from its ablated to its clean value, x̃ + α (x − x̃) with α = k/steps, k = 1..steps (for resample
/// ablation: from the corrupted prompt's embeddings to the clean ones). Destination inputs are the pre-norm copies
/// each head (q, k, v), MLP and the logits read from the residual stream; x̃ is the patcher's ablation.
/// </summary>
public static class EdgeAttribution
{
    /// <summary>
    /// Scores every edge of <paramref name="patcher"/>'s graph. <paramref name="steps"/> = 0 is EAP; ≥ 1 is EAP-IG.
    /// </summary>
    public static IReadOnlyDictionary<Edge, double> Score(
        HookedTransformer model, EdgePatcher patcher, IMetric metric, Tensor answers, Tensor wrongAnswers, int steps = 0)
    {
        var graph = patcher.Graph;
        if (graph.Level == GraphLevel.Neuron)
        {
            throw new ArgumentException("edge attribution at neuron level is not supported yet; use the head or q/k/v level");
        }

        if (steps < 0)
        {
            throw new ArgumentException($"integration steps must not be negative, got {steps}");
        }

        using var scope = NewDisposeScope();
        var target = new MetricTarget(answers, wrongAnswers, patcher.CleanLogits);
        var gradients = steps == 0
            ? Gradients(model, patcher, metric, target, alpha: null)
            : Enumerable.Range(1, steps)
                .Select(k => Gradients(model, patcher, metric, target, (double)k / steps))
                .Aggregate((a, b) => a.Zip(b, (x, y) => x + y).ToArray())
                .Select(g => g / steps)
                .ToArray();

        var delta = (patcher.AblatedSources - patcher.CleanSources).flatten(1); // [n_src, b*p*d]
        var slots = DestinationSlots(model.Config, graph);
        var grads = stack(gradients).flatten(1); // [n_slots, b*p*d]
        var table = matmul(delta, grads.t()).to(ScalarType.Float64); // [n_src, n_slots]
        var values = table.data<double>().ToArray();
        int nSlots = (int)grads.shape[0];
        var scores = new Dictionary<Edge, double>(graph.Edges.Count);
        foreach (var edge in graph.Edges)
        {
            int s = patcher.Layout.SourceIndex(edge.Source);
            scores[edge] = values[(s * nSlots) + slots[(edge.Destination, edge.Input)]];
        }

        return scores;
    }

    /// <summary>Index of each destination input's gradient: heads (q, k, v or one shared), MLPs, logits.</summary>
    private static Dictionary<(Node, QkvInput?), int> DestinationSlots(HookedTransformerConfig c, ComputeGraph graph)
    {
        var slots = new Dictionary<(Node, QkvInput?), int>();
        foreach (var (node, input) in SlotOrder(c, graph.Level))
        {
            slots[(node, input)] = slots.Count;
        }

        return slots;
    }

    private static IEnumerable<(Node Node, QkvInput? Input)> SlotOrder(HookedTransformerConfig c, GraphLevel level)
    {
        for (int l = 0; l < c.NLayers; l++)
        {
            for (int h = 0; h < c.NHeads; h++)
            {
                if (level == GraphLevel.Head)
                {
                    yield return (Node.Head(l, h), null);
                }
                else
                {
                    yield return (Node.Head(l, h), QkvInput.Q);
                    yield return (Node.Head(l, h), QkvInput.K);
                    yield return (Node.Head(l, h), QkvInput.V);
                }
            }

            if (!c.AttnOnly)
            {
                yield return (Node.Mlp(l), null);
            }
        }

        yield return (Node.Logits, null);
    }

    /// <summary>One backward pass: ∂metric/∂input_d per destination slot, each <c>[b, p, d]</c>, in <see cref="SlotOrder"/>.</summary>
    private static Tensor[] Gradients(
        HookedTransformer model, EdgePatcher patcher, IMetric metric, MetricTarget target, double? alpha)
    {
        var c = model.Config;
        var input = patcher.Input;
        var captured = new Dictionary<string, Tensor>();
        HookFunction Capture(string name) => (x, _) =>
        {
            x.retain_grad();
            captured[name] = x.DetachFromDisposeScope();
            return null;
        };

        // the weights are frozen: the token embeddings become the leaf that gradients flow back to; for EAP-IG they also
        // move the input node's output x to x̃ + α (x − x̃), i.e. x − (1 − α)(x − x̃)
        var inputDelta = alpha is null ? null : patcher.CleanSources[patcher.Layout.SourceIndex(Node.Input)] - patcher.AblatedSources[patcher.Layout.SourceIndex(Node.Input)]; // [b, p, d]
        var hooks = new List<(string, HookFunction)>
        {
            (HookName.Embed, (x, _) =>
            {
                var leaf = x.detach().requires_grad_(true);
                return inputDelta is null ? leaf : leaf - ((1 - alpha!.Value) * inputDelta);
            }),
        };
        for (int l = 0; l < c.NLayers; l++)
        {
            hooks.Add((HookName.QInput(l), Capture(HookName.QInput(l))));
            hooks.Add((HookName.KInput(l), Capture(HookName.KInput(l))));
            hooks.Add((HookName.VInput(l), Capture(HookName.VInput(l))));
            if (!c.AttnOnly)
            {
                hooks.Add((HookName.MlpIn(l), Capture(HookName.MlpIn(l))));
            }
        }

        string final = HookName.ResidPost(c.NLayers - 1);
        hooks.Add((final, Capture(final)));
        try
        {
            using var grad = enable_grad();
            var logits = model.RunWithHooks(input.Tokens, hooks, input.AttentionMask); // [b, p, v]
            var read = input.ReadPositions is null
                ? logits.select(1, -1)
                : logits.gather(1, input.ReadPositions.view(-1, 1, 1).expand(-1, 1, logits.shape[2])).squeeze(1); // [b, v]
            metric.PerPrompt(read.unsqueeze(0), target).mean().backward();
            var result = new List<Tensor>();
            foreach (var (node, channel) in SlotOrder(c, patcher.Graph.Level))
            {
                result.Add(node.Kind switch
                {
                    NodeKind.Logits => captured[final].grad!.clone(),
                    NodeKind.Mlp => captured[HookName.MlpIn(node.Layer)].grad!.clone(),
                    _ => HeadGradient(captured, node, channel),
                });
            }

            return result.ToArray();
        }
        finally
        {
            foreach (var t in captured.Values)
            {
                t.Dispose();
            }
        }
    }

    private static Tensor HeadGradient(Dictionary<string, Tensor> captured, Node head, QkvInput? channel)
    {
        Tensor Of(string name) => captured[name].grad!.select(2, head.Index); // [b, p, d]
        return channel switch
        {
            QkvInput.Q => Of(HookName.QInput(head.Layer)).clone(),
            QkvInput.K => Of(HookName.KInput(head.Layer)).clone(),
            QkvInput.V => Of(HookName.VInput(head.Layer)).clone(),
            _ => Of(HookName.QInput(head.Layer)) + Of(HookName.KInput(head.Layer)) + Of(HookName.VInput(head.Layer)),
        };
    }
}
