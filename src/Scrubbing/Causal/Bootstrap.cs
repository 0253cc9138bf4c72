using CircuitFinder.Graph.Results;
using MathNet.Numerics.Statistics;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>Percentile bootstrap over paired samples (seeded, so results repeat).</summary>
public static class Bootstrap
{
    /// <summary>
    /// <paramref name="statistic"/> on the samples, and the 2.5% and 97.5% quantiles of it over
    /// <paramref name="resamples"/> resamples of the sample indices drawn with replacement.
    /// </summary>
    public static Interval Percentile(int count, Func<IReadOnlyList<int>, double> statistic, int resamples, int seed)
    {
        var all = Enumerable.Range(0, count).ToArray();
        double value = statistic(all);
        if (resamples <= 0 || count == 0)
        {
            return new Interval(value, double.NaN, double.NaN);
        }

        var random = new Random(seed);
        var stats = new List<double>(resamples);
        var indices = new int[count];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < count; i++)
            {
                indices[i] = random.Next(count);
            }

            double s = statistic(indices);
            if (double.IsFinite(s))
            {
                stats.Add(s);
            }
        }

        if (stats.Count == 0)
        {
            return new Interval(value, double.NaN, double.NaN);
        }

        return new Interval(value, stats.Quantile(0.025), stats.Quantile(0.975));
    }
}
