namespace CircuitFinder.Detectors.Weights;

/// <summary>
/// <c>composition</c>: Q-, K- and V-composition scores of every pair of heads in different layers
/// (<see cref="CompositionScores"/>), with the random baseline of each mode. Per head, the columns
/// <c>q-composition</c>, <c>k-composition</c>, <c>v-composition</c> hold the largest score from any earlier head into it
/// (null in layer 0); the pairs themselves go into the result.
/// </summary>
public sealed class CompositionDetector : IHeadDetector
{
    public string Name => "composition";

    public string Description =>
        "Q/K/V-composition ‖W_OV·W_B‖_F/(‖W_OV‖_F‖W_B‖_F) between heads of different layers (Elhage et al. 2021), beside the score of random matrices of the same shapes";

    public DetectorResult Run(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = TorchSharp.torch.NewDisposeScope(); // the repeated grouped-query weights
        var pairs = CompositionScores.All(
            HeadWeights.W_Q(context.Model), HeadWeights.W_K(context.Model), HeadWeights.W_V(context.Model), HeadWeights.W_O(context.Model));
        var config = context.Model.Config;
        var baselines = new Dictionary<string, double>();
        var columns = new List<ScoreColumn>();
        foreach (var (mode, index) in CompositionScores.Modes.Select((m, i) => (m, i)))
        {
            baselines[$"{mode}-composition"] = CompositionScores.Baseline(config.DModel, config.DHead, context.Options.BaselineSamples, context.Options.Seed + index);
            var values = new double?[context.NLayers * context.NHeads];
            foreach (var group in pairs.Where(p => p.Mode == mode).GroupBy(p => (p.ReceiverLayer, p.ReceiverHead)))
            {
                values[(group.Key.ReceiverLayer * context.NHeads) + group.Key.ReceiverHead] = group.Max(p => p.Score);
            }

            columns.Add(new ScoreColumn($"{mode}-composition", values));
        }

        return new DetectorResult
        {
            Columns = columns,
            Pairs = pairs,
            Baselines = baselines,
            Notes = [$"composition: random baseline (mean of {context.Options.BaselineSamples} Gaussian draws of the same shapes): " +
                string.Join(", ", baselines.Select(b => $"{b.Key} {b.Value:F3}"))],
        };
    }
}
