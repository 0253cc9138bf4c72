using CircuitFinder.Graph.Diff;
using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// Per hook point (every one a plain run fires, as <see cref="HookedTransformer.DefaultCacheNames"/>), the mean over its
/// elements and over the text of |B − A| and of |A|, in float64; entries that are not finite in either run (masked
/// attention scores) are left out. Ranked by mean |B − A|, largest first (ties in hook order).
/// </summary>
internal static class ActivationComparison
{
    public static IReadOnlyList<ActivationDiff> Compare(HookedTransformer a, HookedTransformer b, IReadOnlyList<TextWindow> windows, Action<double> progress)
    {
        var names = a.DefaultCacheNames(ModelRunOptions.Default).ToList();
        var differences = new double[names.Count];
        var magnitudes = new double[names.Count];
        var counts = new double[names.Count];
        for (int w = 0; w < windows.Count; w++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (_, cacheA) = a.RunWithCache(BlackBoxDiff.Tokens(windows[w].Ids, a.Device), names);
            using var ownedA = cacheA;
            var (_, cacheB) = b.RunWithCache(BlackBoxDiff.Tokens(windows[w].Ids, b.Device), names);
            using var ownedB = cacheB;
            for (int i = 0; i < names.Count; i++)
            {
                if (!cacheA.TryGetValue(names[i], out var x) || !cacheB.TryGetValue(names[i], out var y))
                {
                    continue;
                }

                using var inner = NewDisposeScope();
                var xa = x.to(ScalarType.Float64); // [b, ...]
                var yb = y.to(ScalarType.Float64).to(xa.device);
                var finite = xa.isfinite().logical_and(yb.isfinite());
                var zero = zeros_like(xa);
                differences[i] += where(finite, (yb - xa).abs(), zero).sum().item<double>();
                magnitudes[i] += where(finite, xa.abs(), zero).sum().item<double>();
                counts[i] += finite.sum().item<long>();
            }

            progress((w + 1.0) / windows.Count);
        }

        return Enumerable.Range(0, names.Count)
            .Where(i => counts[i] > 0)
            .Select(i => new ActivationDiff(names[i], differences[i] / counts[i], magnitudes[i] / counts[i]))
            .Select((d, i) => (d, i))
            .OrderByDescending(p => p.d.MeanAbsDifference)
            .ThenBy(p => p.i)
            .Select(p => p.d)
            .ToList();
    }
}
