namespace CircuitFinder.Detectors.Weights;

/// <summary><c>successor</c>: <see cref="SuccessorScores"/> on <see cref="OrdinalSequences"/> tokenized by the model's tokenizer.</summary>
public sealed class SuccessorDetector : IHeadDetector
{
    public string Name => "successor";

    public string Description =>
        "share of ordinal tokens (numbers, number words, ordinals, days, months, letters) the OV circuit maps to their successor (Gould et al. 2023)";

    public DetectorResult Run(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = TorchSharp.torch.NewDisposeScope(); // the repeated grouped-query weights
        if (context.Tokenizer is null)
        {
            return DetectorResult.NotApplicable("successor: not applicable (the model has no tokenizer to spell the ordinal sequences)");
        }

        var model = context.Model;
        int vocabulary = (int)Math.Min(model.Config.DVocab, model.Config.DVocabOut);
        var sequences = OrdinalSequences.Tokenize(context.Tokenizer, vocabulary);
        var (scores, pairs) = SuccessorScores.Compute(
            model.Embed.W_E, HeadWeights.W_V(model), HeadWeights.W_O(model), model.Unembed.W_U, sequences.Values);
        if (pairs == 0)
        {
            return DetectorResult.NotApplicable("successor: not applicable (no ordinal token and its successor are single tokens of this vocabulary)");
        }

        var used = sequences.Where(s => s.Value.Zip(s.Value.Skip(1)).Any(p => p.First is not null && p.Second is not null)).Select(s => s.Key);
        return new DetectorResult
        {
            Columns = [new ScoreColumn(Name, scores.Select(s => (double?)s).ToList())],
            Notes = [$"successor: {pairs} (token, successor) pairs from {string.Join(", ", used)}"],
        };
    }
}
