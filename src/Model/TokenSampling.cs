using static TorchSharp.torch;

namespace CircuitFinder.Model;

/// <summary>
/// Continuing a prompt: greedily (temperature 0, the default: <see cref="GreedyDecoding"/>) or by sampling from the
/// last position's softmax(logits / temperature), restricted to the <see cref="GenerationOptions.TopK"/> most likely tokens
/// where given, with a seeded generator (the same seed gives the same tokens). Stops early at n_ctx.
/// </summary>
public static class TokenSampling
{
    public static IReadOnlyList<int> Generate(HookedTransformer model, IReadOnlyList<int> prompt, int newTokens, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (newTokens < 0)
        {
            throw new BadInputException($"--generate must be at least 0, got {newTokens}");
        }

        if (prompt.Count > model.Config.NCtx)
        {
            throw new BadInputException($"the prompt has {prompt.Count} tokens, more than the model's n_ctx = {model.Config.NCtx}");
        }

        if (!options.Samples)
        {
            return GreedyDecoding.Generate(model, prompt, newTokens);
        }

        if (prompt.Count == 0)
        {
            throw new BadInputException("generation needs at least one prompt token (e.g. BOS)");
        }

        var ids = prompt.ToList();
        var generator = new Generator((ulong)options.Seed, CPU);
        using var noGrad = no_grad();
        for (int step = 0; step < newTokens && ids.Count < model.Config.NCtx; step++)
        {
            using var scope = NewDisposeScope();
            var tokens = tensor(ids.Select(i => (long)i).ToArray(), device: model.Device).unsqueeze(0); // [1, p]
            var last = model.Forward(tokens)[0, -1].to(ScalarType.Float64).cpu() / options.Temperature; // [v]
            var candidates = arange(last.shape[0], ScalarType.Int64); // [v]
            if (options.TopK is { } k && k < last.shape[0])
            {
                (last, candidates) = last.topk(k);
            }

            var probabilities = nn.functional.softmax(last, 0); // [k]
            long pick = multinomial(probabilities, 1, generator: generator).item<long>();
            ids.Add((int)candidates[pick].item<long>());
        }

        return ids;
    }
}
