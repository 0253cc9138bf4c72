using CircuitFinder.Graph.Views;
using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Tokenizers;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// The attention patterns (<c>hook_pattern</c>, after the softmax) of chosen heads on one prompt, from one plain forward
/// pass, as a tensor-free <see cref="AttentionReport"/>: a query × key map per head, labelled with the tokens.
/// </summary>
public static class AttentionView
{
    public static AttentionReport Patterns(
        HookedTransformer model, ITokenizer? tokenizer, IReadOnlyList<int> ids, IReadOnlyList<HeadLabel> heads, string modelName, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(heads);
        if (ids.Count == 0)
        {
            throw new BadInputException("attention: the prompt has no tokens");
        }

        foreach (var head in heads)
        {
            if (head.Layer < 0 || head.Layer >= model.Config.NLayers || head.Head < 0 || head.Head >= model.Config.NHeads)
            {
                throw new BadInputException($"--heads: unknown head '{head}' (the model has layers 0..{model.Config.NLayers - 1} and heads 0..{model.Config.NHeads - 1})");
            }
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = tensor(ids.Select(i => (long)i).ToArray(), device: model.Device).unsqueeze(0); // [1, p]
        var layers = heads.Select(h => h.Layer).Distinct().ToList();
        var (_, cache) = model.RunWithCache(tokens, layers.Select(HookName.Pattern));
        using (cache)
        {
            var labels = TokenLabels.Positions(tokenizer, ids);
            var maps = heads.Select(h =>
            {
                var pattern = cache[HookName.Pattern(h.Layer)][0, h.Head].to(ScalarType.Float64).cpu().contiguous(); // [q, k]
                var data = pattern.data<double>().ToArray();
                int p = ids.Count;
                var values = new double[p, p];
                for (int q = 0; q < p; q++)
                {
                    for (int k = 0; k < p; k++)
                    {
                        values[q, k] = data[(q * p) + k];
                    }
                }

                return ViewMap.From(h.ToString(), $"{modelName}: {h} attention", "query", "key", labels, labels, values, "attention", 0, 1);
            }).ToList();
            return new AttentionReport(modelName, source, ids.ToList(), ids.Select(i => TokenLabels.Token(tokenizer, i)).ToList(), maps);
        }
    }
}
