using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using CircuitFinder.Tests.Patching;

namespace CircuitFinder.Tests.Patching.Views;

/// <summary>The models the view oracles run on: every fixture, the zoo, and random models of every architecture (Llama-style grouped-query attention among them).</summary>
internal static class ViewModels
{
    public const double Tolerance = 1e-5;

    public static IEnumerable<object[]> Names =>
    [
        ["gpt2-tiny"], ["gpt2-tiny-bin"], ["pythia-tiny"], ["gpt-neo-tiny"], ["tl-attn-only-2l-tiny"], ["tl-gelu-2l-tiny"], ["tl-lnpre-1l-tiny"], ["tl-solu-1l-tiny"],
        ["raw:gpt2-tiny"], ["raw:pythia-tiny"], ["raw:tl-gelu-2l-tiny"],
        ["zoo:attn-only-2l"], ["zoo:planted-ioi"], ["zoo:planted-induction"], ["zoo:toy-ioi"],
        ["random:0"], ["random:1"], ["random:2"], ["random:3"], ["random:4"], ["random:5"], ["random:6"], ["random:7"],
    ];

    /// <summary>
    /// <see cref="Names"/> less the Gemma 2 models (random seed 4): their sandwich norms and soft-caps make the lens refuse
    /// them, and a head's node output (its share of the normalized layer output) is not its hook_z patch.
    /// </summary>
    public static IEnumerable<object[]> Linear => Names.Where(n => (string)n[0] != GemmaName);

    /// <summary>The Gemma 2 model among <see cref="Names"/>.</summary>
    public const string GemmaName = "random:4";

    /// <summary>A fixture folder name (<c>raw:NAME</c>: unprocessed), <c>zoo:NAME</c>, or <c>random:SEED</c> (a <see cref="RandomModels"/> model).</summary>
    public static HookedTransformer Load(string name)
    {
        if (name.StartsWith("random:", StringComparison.Ordinal))
        {
            int seed = int.Parse(name["random:".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return RandomModels.Model(RandomModels.Config(seed), seed);
        }

        if (name.StartsWith("raw:", StringComparison.Ordinal))
        {
            return ModelLoader.Load(FixturePaths.Model(name["raw:".Length..]), new LoadOptions { Processing = ProcessingOptions.None }).Model;
        }

        var loaded = ModelLoader.Load(name.StartsWith("zoo:", StringComparison.Ordinal) ? name : FixturePaths.Model(name));
        return loaded.Model;
    }

    /// <summary>Six deterministic token ids below the model's vocabulary.</summary>
    public static int[] Prompt(HookedTransformer model, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Math.Min(6, model.Config.NCtx)).Select(_ => random.Next(model.Config.DVocab)).ToArray();
    }
}
