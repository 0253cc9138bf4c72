using CircuitFinder.Scrubbing.Causal;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace CircuitFinder.Tests.Scrubbing;

public sealed class BootstrapTests
{
    [Property(MaxTest = 50)]
    public bool The_interval_of_a_mean_contains_the_mean_and_lies_within_the_samples(NonEmptyArray<NormalFloat> data, int seed)
    {
        var x = data.Get.Select(v => (double)v.Get).ToArray();
        var interval = Bootstrap.Percentile(x.Length, idx => idx.Average(i => x[i]), 200, seed);
        return interval.Low <= interval.Value + 1e-9 && interval.Value <= interval.High + 1e-9 && interval.Low >= x.Min() - 1e-9 && interval.High <= x.Max() + 1e-9;
    }

    [Fact]
    public void Given_constant_samples_then_the_interval_collapses_and_the_same_seed_repeats_it()
    {
        var constant = Bootstrap.Percentile(10, idx => idx.Average(_ => 2.5), 100, 7);
        Assert.Equal((2.5, 2.5, 2.5), (constant.Value, constant.Low, constant.High));
        var data = Enumerable.Range(0, 40).Select(i => Math.Sin(i)).ToArray();
        Assert.Equal(
            Bootstrap.Percentile(40, idx => idx.Average(i => data[i]), 300, 3),
            Bootstrap.Percentile(40, idx => idx.Average(i => data[i]), 300, 3));
    }
}
