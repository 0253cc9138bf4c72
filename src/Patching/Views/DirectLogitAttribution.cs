using static TorchSharp.torch;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// Direct logit attribution as TransformerLens computes it with <c>decompose_resid</c> / <c>stack_head_results</c> and
/// <c>apply_ln_to_stack</c>: every piece of the final residual stream (token and position embeddings, each head's
/// z·W_O, each layer's b_O, each MLP's output) through ln_final with the run's CACHED final scale, projected on the
/// target's unembedding direction; then the bias terms (ln_final's bias on that direction, and b_U). Because the cached
/// scale is the one the model divided by, the pieces and bias terms add up to the model's own value of the target.
/// </summary>
public static class DirectLogitAttribution
{
    /// <summary>The attribution of every piece and bias term at each row: float64 <c>[C, R]</c> and the labels.</summary>
    internal static (Tensor Values, IReadOnlyList<string> Labels) Compute(ViewRun run, Tensor prompts, Tensor positions, LogitDirections directions)
    {
        var (pieces, labels) = run.Decomposed(prompts, positions); // [C, R, d]
        var values = new List<Tensor> { (run.Normalized(pieces, prompts, positions) * directions.Direction).sum(-1) }; // [C, R]
        var names = labels.ToList();
        if (run.FinalBias is { } bias)
        {
            values.Add((directions.Direction * bias).sum(-1).unsqueeze(0)); // [1, R]
            names.Add("ln_final.b");
        }

        values.Add(directions.UnembedBias.unsqueeze(0)); // [1, R]
        names.Add("b_U");
        return (cat(values, 0), names);
    }
}
