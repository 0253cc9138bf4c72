using CircuitFinder.Model.Hooks;
using CircuitFinder.Model.Loading;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Architectures;

/// <summary>
/// The name-copy task on stories260K (skipped where the real model is absent): the model does copy the name, and its
/// heads' attention from the last position to the name is measured (the numbers in docs/stories260k.md).
/// </summary>
public sealed class Stories260kNameCopyTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Given_name_copy_prompts_then_the_model_prefers_the_copied_name_and_some_head_attends_to_it()
    {
        var folder = RealModels.Require("stories260k-hf");

        using var loaded = ModelLoader.Load(folder);
        var task = new NameCopyGenerator().Generate(32, seed: 0, loaded.Tokenizer, loaded.Model.Config.DVocab);
        var model = loaded.Model;
        var c = model.Config;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var attention = zeros(c.NLayers, c.NHeads); // mean attention from the last position to the name
        double cleanDiff = 0, corruptDiff = 0;
        foreach (var prompt in task.Prompts)
        {
            var clean = tensor(prompt.Clean.Select(i => (long)i).ToArray()).unsqueeze(0);
            var corrupt = tensor(prompt.Corrupt.Select(i => (long)i).ToArray()).unsqueeze(0);
            var (logits, cache) = model.RunWithCache(clean, Enumerable.Range(0, c.NLayers).Select(HookName.Pattern));
            using (cache)
            {
                for (int l = 0; l < c.NLayers; l++)
                {
                    attention[l] += cache[HookName.Pattern(l)][0, TensorIndex.Colon, -1, prompt.WordPositions["name"]] / task.Prompts.Count; // [h]
                }
            }

            var corrupted = model.Forward(corrupt);
            int a = prompt.Answers[0], b = prompt.WrongAnswers[0];
            cleanDiff += (logits[0, -1, a] - logits[0, -1, b]).item<float>() / task.Prompts.Count;
            corruptDiff += (corrupted[0, -1, a] - corrupted[0, -1, b]).item<float>() / task.Prompts.Count;
        }

        output.WriteLine($"logit difference (answer - other name): clean {cleanDiff:F3}, corrupted {corruptDiff:F3}");
        for (int l = 0; l < c.NLayers; l++)
        {
            output.WriteLine($"L{l}: " + string.Join(" ", Enumerable.Range(0, c.NHeads).Select(h => $"H{h} {attention[l, h].item<float>():F2}")));
        }

        Assert.True(cleanDiff > 1 && corruptDiff < -1, $"clean {cleanDiff:F3}, corrupted {corruptDiff:F3}");
        Assert.True(attention.max().item<float>() > 0.5, "no head attends from the last position to the name");
    }
}
