using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Views;

/// <summary>
/// What the lens and the attribution read at each row (a prompt at a position): the mean logit of the row's answers minus
/// the mean logit of its wrong answers (only the answers' mean where a row has none), as the unembedding direction
/// <c>[R, d_model]</c> and the unembedding bias term <c>[R]</c> (float64). Answer lists are padded with −1.
/// </summary>
internal sealed class LogitDirections
{
    private readonly Tensor _answers; // [R, A]
    private readonly Tensor _wrong; // [R, W]

    public LogitDirections(HookedTransformer model, Tensor answers, Tensor wrong)
    {
        _answers = answers.to(ScalarType.Int64).to(model.Device);
        _wrong = wrong.to(ScalarType.Int64).to(model.Device);
        var unembedT = model.Unembed.W_U.t().to(ScalarType.Float64); // [v, d]
        Direction = FromTable(unembedT, _answers) - FromTable(unembedT, _wrong); // [R, d]
        var bias = model.Unembed.b_U.to(ScalarType.Float64).unsqueeze(1); // [v, 1]
        UnembedBias = (FromTable(bias, _answers) - FromTable(bias, _wrong)).squeeze(-1); // [R]
    }

    /// <summary>The unembedding direction of each row <c>[R, d_model]</c>.</summary>
    public Tensor Direction { get; }

    /// <summary>The unembedding bias term of each row <c>[R]</c>.</summary>
    public Tensor UnembedBias { get; }

    /// <summary>The rows' metric on logits <c>[R, d_vocab_out]</c>: mean over answers minus mean over wrong answers, float64 <c>[R]</c>.</summary>
    public Tensor OnLogits(Tensor logits)
    {
        var values = logits.to(ScalarType.Float64);
        return Gathered(values, _answers) - Gathered(values, _wrong);
    }

    /// <summary>Mean over each row's valid ids of the table's rows <c>[v, k]</c>: <c>[R, k]</c> (zeros where a row has none).</summary>
    private static Tensor FromTable(Tensor table, Tensor ids)
    {
        if (ids.shape[1] == 0)
        {
            return zeros(ids.shape[0], table.shape[1], ScalarType.Float64, table.device);
        }

        var weights = ids.ge(0).to(ScalarType.Float64).unsqueeze(-1); // [R, n, 1]
        var rows = table.index(TensorIndex.Tensor(ids.clamp_min(0))); // [R, n, k]
        return (rows * weights).sum(1) / weights.sum(1).clamp_min(1); // [R, k]
    }

    /// <summary>Mean over each row's valid ids of <paramref name="values"/> <c>[R, v]</c>: <c>[R]</c> (zeros where a row has none).</summary>
    private static Tensor Gathered(Tensor values, Tensor ids)
    {
        if (ids.shape[1] == 0)
        {
            return zeros(ids.shape[0], ScalarType.Float64, values.device);
        }

        var weights = ids.ge(0).to(ScalarType.Float64); // [R, n]
        var picked = values.gather(1, ids.clamp_min(0)); // [R, n]
        return (picked * weights).sum(1) / weights.sum(1).clamp_min(1); // [R]
    }
}
