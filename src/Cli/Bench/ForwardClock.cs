using System.Diagnostics;
using CircuitFinder.Model;
using static TorchSharp.torch;

namespace CircuitFinder.Cli.Bench;

/// <summary>
/// Times work in plain forward passes of <paramref name="model"/> on <paramref name="tokens"/>: this machine's load
/// varies, so each figure is divided by the mean of plain forwards timed right before and after it.
/// </summary>
internal sealed class ForwardClock(HookedTransformer model, Tensor tokens)
{
    /// <summary>The median of three plain forwards, in ms.</summary>
    public double Plain()
    {
        using var noGrad = no_grad();
        return Timing.MedianMs(() => model.Forward(tokens).Dispose(), warmup: 0, runs: 3);
    }

    /// <summary><paramref name="action"/>'s wall time in ms and in plain forwards.</summary>
    public (double Ms, double Forwards) Measure(Action action)
    {
        double before = Plain();
        long start = Stopwatch.GetTimestamp();
        action();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return (ms, ms / ((before + Plain()) / 2));
    }
}
