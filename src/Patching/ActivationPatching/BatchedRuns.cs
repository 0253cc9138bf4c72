using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// Helpers shared by the patchers: checked copies of the prompts, and one forward pass over several patched copies of
/// the clean batch (copy <c>i</c> is rows <c>i*batch .. (i+1)*batch</c>) scored copy by copy.
/// </summary>
internal static class BatchedRuns
{
    /// <summary>A detached copy <c>[batch, pos]</c> of <paramref name="tokens"/> (<c>[pos]</c> becomes one row), owned by the caller.</summary>
    public static Tensor Own(Tensor tokens, string what)
    {
        if (tokens.dim() is not (1 or 2))
        {
            throw new ArgumentException($"{what} must have shape [batch, pos], got [{string.Join(", ", tokens.shape)}]", what);
        }

        var copy = (tokens.dim() == 1 ? tokens.unsqueeze(0) : tokens).detach().clone(); // [b, p]
        copy.DetachFromDisposeScope();
        return copy;
    }

    /// <summary>Checks the corrupted prompt and the mask against the clean prompt.</summary>
    public static void CheckShapes(Tensor clean, Tensor corrupted, Tensor? mask)
    {
        if (!clean.shape.SequenceEqual(corrupted.shape))
        {
            throw new ArgumentException(
                $"clean tokens [{string.Join(", ", clean.shape)}] and corrupted tokens [{string.Join(", ", corrupted.shape)}] must have the same shape",
                nameof(corrupted));
        }

        if (mask is not null && !clean.shape.SequenceEqual(mask.shape))
        {
            throw new ArgumentException(
                $"attention mask [{string.Join(", ", mask.shape)}] must have the shape of the tokens [{string.Join(", ", clean.shape)}]", nameof(mask));
        }
    }

    /// <summary>Checks the per-run copy limit.</summary>
    public static void CheckCopies(int maxCopiesPerRun)
    {
        if (maxCopiesPerRun < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCopiesPerRun), maxCopiesPerRun, "at least one copy per run is needed");
        }
    }

    /// <summary>The metric of one unpatched run.</summary>
    public static double Score(HookedTransformer model, Tensor tokens, Tensor? mask, PatchingMetric metric)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return metric(model.Forward(tokens, mask)); // logits [b, p, v]
    }

    /// <summary>The metric of each copy in logits <c>[copies*batch, pos, vocab]</c>.</summary>
    public static double[] ScoreCopies(Tensor logits, int copies, long batch, PatchingMetric metric)
    {
        var scores = new double[copies];
        for (int i = 0; i < copies; i++)
        {
            using var scope = NewDisposeScope();
            scores[i] = metric(logits.narrow(0, i * batch, batch)); // [b, p, v]
        }

        return scores;
    }
}
