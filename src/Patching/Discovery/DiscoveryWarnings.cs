using System.Globalization;
using CircuitFinder.Graph.Results;

namespace CircuitFinder.Patching.Discovery;

/// <summary>
/// Says when a discovery result is clearly not a working circuit, so that no method fails silently: an empty circuit,
/// or one whose faithfulness is below <see cref="FaithfulnessFloor"/>, gets one sentence naming what usually causes it
/// for that kind of method.
/// </summary>
public static class DiscoveryWarnings
{
    /// <summary>Faithfulness below this is reported.</summary>
    public const double FaithfulnessFloor = 0.5;

    /// <summary>At most one warning for <paramref name="record"/> found by a method with <paramref name="traits"/>.</summary>
    public static IReadOnlyList<string> For(DiscoveryRecord record, DiscoveryTraits traits)
    {
        var inv = CultureInfo.InvariantCulture;
        double faithfulness = record.Faithfulness;
        string what;
        if (record.Circuit.Count == 0)
        {
            what = string.Format(inv, "the circuit is empty (0 of {0} edges)", record.Graph.Edges.Count);
        }
        else if (double.IsNaN(faithfulness))
        {
            what = "faithfulness is undefined: the metric is the same for the clean model and with every edge ablated, so this task gives the method no signal (check the corrupted prompts and the metric)";
            return [what];
        }
        else if (faithfulness < FaithfulnessFloor)
        {
            what = string.Format(inv, "the circuit's faithfulness is {0:F3}, below {1}", faithfulness, FaithfulnessFloor);
        }
        else
        {
            return [];
        }

        return [$"{what}: {Causes(record, traits)}"];
    }

    private static string Causes(DiscoveryRecord record, DiscoveryTraits traits)
    {
        string metric = record.Task.Metric;
        if (record.Certificate is { Certified: false } certificate)
        {
            return string.Format(
                CultureInfo.InvariantCulture,
                "the hybrid's screen was too small ({0} edges kept; ablating the other {1} together did damage {2:G3}, not below τ = {3}); let it grow (drop --fixed-screen, raise --screen-max) or start it larger (--screen, --screen-min)",
                certificate.ScreenedEdges,
                record.Graph.Edges.Count - certificate.ScreenedEdges,
                certificate.ScreenedOutDamage,
                certificate.Threshold);
        }

        if (traits.Selection == SelectionKind.ThresholdTest)
        {
            return $"τ is usually too large for this metric ({metric}): try a smaller --threshold";
        }

        string gradient = metric == "kl"
            ? "; and KL divergence has zero gradient at the clean model, so eap scores with it are near zero (use the task's logit-diff or prob metric)"
            : string.Empty;
        return $"the selection is usually too small (raise --edges, --budget or lower --threshold){gradient}";
    }
}
