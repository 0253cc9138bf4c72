using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// The logit lens as TransformerLens computes it with <c>accumulated_resid(apply_ln=True)</c>: the residual stream before
/// each layer and after the last, each through ln_final with the final stream's CACHED scale (not a scale of its own), then
/// the unembedding (ln_final's weight and bias and b_U included, so unprocessed models read the same). At the last entry
/// this is the model's own computation, so it equals the model's logits.
/// </summary>
public static class LogitLens
{
    /// <summary>TransformerLens' labels of the accumulated stream: <c>0_pre</c> … <c>{L-1}_pre</c>, <c>final_post</c>.</summary>
    public static IReadOnlyList<string> Labels(int layers) =>
        Enumerable.Range(0, layers).Select(l => $"{l}_pre").Append("final_post").ToList();

    /// <summary>
    /// The lens's logits <c>[n_layers + 1, batch, pos, d_vocab_out]</c> (float64) for <paramref name="tokens"/> <c>[batch, pos]</c>.
    /// </summary>
    public static Tensor Logits(HookedTransformer model, Tensor tokens, Tensor? attentionMask = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        LinearDecomposition.Require(model, "lens");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = tokens.dim() == 1 ? tokens.unsqueeze(0) : tokens; // [b, p]
        using var run = ViewRun.Run(model, batch, attentionMask);
        long b = batch.shape[0], p = batch.shape[1];
        var prompts = arange(b, ScalarType.Int64, model.Device).repeat_interleave(p); // [R] = [b*p]
        var positions = arange(p, ScalarType.Int64, model.Device).repeat(b); // [R]
        var lens = Unembedded(run, run.Accumulated(prompts, positions), prompts, positions); // [L+1, R, v]
        return lens.view(lens.shape[0], b, p, lens.shape[2]).MoveToOuterDisposeScope();
    }

    /// <summary>The accumulated stream <c>[L+1, R, d]</c> at the rows through ln_final (cached scale, weight and bias) and the unembedding: <c>[L+1, R, v]</c>.</summary>
    internal static Tensor Unembedded(ViewRun run, Tensor accumulated, Tensor prompts, Tensor positions)
    {
        var normalized = run.Normalized(accumulated, prompts, positions);
        if (run.FinalBias is { } bias)
        {
            normalized = normalized + bias;
        }

        var unembed = run.Model.Unembed;
        return matmul(normalized, unembed.W_U.to(ScalarType.Float64)) + unembed.b_U.to(ScalarType.Float64);
    }

    /// <summary>The target read through the lens at every row: <c>[L+1, R]</c> (float64).</summary>
    internal static Tensor Target(ViewRun run, Tensor accumulated, Tensor prompts, Tensor positions, LogitDirections directions)
    {
        var normalized = run.Normalized(accumulated, prompts, positions); // [L+1, R, d]
        if (run.FinalBias is { } bias)
        {
            normalized = normalized + bias;
        }

        return (normalized * directions.Direction).sum(-1) + directions.UnembedBias; // [L+1, R]
    }
}
