using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Graph.Results;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// <c>hybrid</c>: EAP-IG ranks every edge by |score|; an adaptive screen keeps the top k and checks the rest with ACDC's
/// own removal test applied once to all of them together (ablated at once, the damage to the metric relative to the
/// full model must be below τ), doubling k from max(<see cref="DiscoveryOptions.HybridScreenMinimum"/>,
/// ⌈<see cref="DiscoveryOptions.HybridScreenFraction"/>·|E|⌉) until it passes or every edge (or
/// <see cref="DiscoveryOptions.HybridScreenMaximum"/>) is screened in; ACDC's
/// exact tests then run on the screened edges only, on top of the screened-out ones (each test resuming on their
/// recorded run). The result carries the <see cref="ScreenCertificate"/>; scores are the EAP-IG scores for every edge.
/// </summary>
public sealed class HybridDiscovery : IDiscoveryAlgorithm
{
    public string Name => "hybrid";

    /// <summary>ACDC's exact tests against τ (checkpointed) on the EAP-IG screen; the task's metric by default.</summary>
    public DiscoveryTraits Traits { get; } = new(SelectionKind.ThresholdTest, Checkpoints: true, DefaultMetric: null, UsesIgSteps: true, UsesScreenFraction: true);

    public DiscoveryResult Discover(DiscoveryContext context, IProgress<DiscoveryProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var options = context.Options;
        double tau = options.Threshold ?? throw new ArgumentException("hybrid needs ACDC's threshold τ");
        double fraction = options.HybridScreenFraction;
        if (fraction is <= 0 or > 1 || double.IsNaN(fraction) || options.HybridScreenMinimum < 1 || options.HybridScreenMaximum is < 1)
        {
            throw new ArgumentException($"the hybrid's screen must start at a fraction in (0, 1] and at least one edge, got {fraction} and {options.HybridScreenMinimum}");
        }

        var graph = context.Graph;
        int total = graph.Edges.Count;
        var scores = new EdgeAttributionPatching(integrated: true).Scores(context);
        // ties broken by graph order, so the screen (and with it the circuit) never depends on hashing
        var ranked = graph.Edges.Select((edge, index) => (edge, index)).OrderByDescending(x => Math.Abs(scores[x.edge])).ThenBy(x => x.index).Select(x => x.edge).ToList();
        double full = context.MetricOf([[]])[0];
        int cap = Math.Min(total, options.HybridScreenMaximum ?? total);
        int k = Math.Min(cap, Math.Max(options.HybridScreenMinimum, (int)Math.Ceiling(total * fraction)));
        var rounds = new List<ScreenRound>();
        List<Edge> rest;
        double damage;
        while (true)
        {
            rest = ranked.Skip(k).ToList();
            damage = rest.Count == 0 ? 0 : context.Damage(full, context.MetricOf([rest])[0]);
            rounds.Add(new ScreenRound(k, damage));
            if (damage < tau || k == cap || !options.HybridAdaptive)
            {
                break;
            }

            k = Math.Min(cap, 2 * k);
        }

        var screened = ranked.Take(k).ToList();
        var exact = Acdc.Run(context, screened, rest, tau, progress);
        var certificate = new ScreenCertificate(
            tau,
            fraction,
            options.HybridScreenMinimum,
            options.HybridAdaptive,
            rounds,
            k,
            damage,
            damage < tau,
            exact.ExactTests,
            clock.Elapsed.TotalSeconds / PlainForwardSeconds(context));
        var details = new Dictionary<string, double>(exact.Details)
        {
            ["screen_fraction"] = fraction,
            ["screen_minimum"] = options.HybridScreenMinimum,
            ["screen_rounds"] = rounds.Count,
            ["screened_edges"] = k,
            ["screened_out_damage"] = damage,
            ["ig_steps"] = options.IgSteps,
        };
        return exact with { Scores = scores, Details = details, Certificate = certificate }; // EAP-IG scores for every edge, one scale
    }

    /// <summary>One plain forward of every prompt of the context (the median of three per batch), in seconds.</summary>
    private static double PlainForwardSeconds(DiscoveryContext context)
    {
        using var noGrad = no_grad();
        double seconds = 0;
        context.Batches.ForEach(batch =>
        {
            var input = batch.Patcher.Input;
            var times = new double[3];
            for (int i = 0; i < times.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                context.Model.Forward(input.Tokens, input.AttentionMask).Dispose();
                times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            seconds += times.Order().ElementAt(1);
        });

        return seconds;
    }
}
