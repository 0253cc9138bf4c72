using static TorchSharp.torch;

namespace CircuitFinder.Model;

/// <summary>Greedy decoding: repeatedly append the most likely next token (the first on ties), without a key/value cache.</summary>
public static class GreedyDecoding
{
    /// <summary>
    /// <paramref name="prompt"/> followed by <paramref name="newTokens"/> greedily chosen tokens (fewer when n_ctx is
    /// reached first).
    /// </summary>
    public static IReadOnlyList<int> Generate(HookedTransformer model, IReadOnlyList<int> prompt, int newTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0)
        {
            throw new BadInputException("greedy decoding needs at least one prompt token (e.g. BOS)");
        }

        var ids = prompt.ToList();
        using var noGrad = no_grad();
        for (int step = 0; step < newTokens && ids.Count < model.Config.NCtx; step++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0)); // [1, p, v]
            ids.Add((int)logits[0, -1].argmax().item<long>());
        }

        return ids;
    }
}
