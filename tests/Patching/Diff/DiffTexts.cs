using CircuitFinder.Model.Training;

namespace CircuitFinder.Tests.Patching.Diff;

/// <summary>Inputs the model-diff tests share: repeated-token text for attn-only-2l and where its checkpoints live.</summary>
internal static class DiffTexts
{
    /// <summary>BOS, then 23 seeded random tokens (ids 1..63), then the same 23 again: 47 ids, within n_ctx = 48.</summary>
    public static IReadOnlyList<int> Repeated(int seed = 7, int span = 23)
    {
        var random = new Random(seed);
        var half = Enumerable.Range(0, span).Select(_ => random.Next(1, 64)).ToList();
        return [0, .. half, .. half];
    }

    /// <summary>The same as the text of the worked example, space-separated token strings (t1..t63) after BOS.</summary>
    public static string RepeatedText(int seed = 7) => string.Join(" ", Repeated(seed).Skip(1).Select(id => $"t{id}"));

    /// <summary>The folder of attn-only-2l's checkpoint at <paramref name="step"/> (e.g. step_512).</summary>
    public static string Checkpoint(string step) => Path.Combine(ShippedZoo.Folder("attn-only-2l"), "checkpoints", step);
}
