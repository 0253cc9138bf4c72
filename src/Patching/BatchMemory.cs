using System.Globalization;
using CircuitFinder.Graph;
using CircuitFinder.Model.Config;
using CircuitFinder.Patching.Engine;

namespace CircuitFinder.Patching;

/// <summary>
/// The memory one batch of prompts needs for patching (recorded clean run and residual streams, ablated outputs, the
/// scratch of patched runs or gradients, attention patterns), estimated from the model's sizes, and the check that
/// refuses a whole task in one batch when that exceeds the memory available, suggesting <c>--batch</c>.
/// </summary>
public static class BatchMemory
{
    /// <summary>About how many bytes patching <paramref name="prompts"/> prompts of <paramref name="positions"/> tokens in one batch needs.</summary>
    public static double EstimateBytes(HookedTransformerConfig config, ComputeGraph graph, long prompts, long positions)
    {
        ArgumentNullException.ThrowIfNull(config);
        double sources = new GraphLayout(graph, config).Sources.Count;
        double layers = config.NLayers;
        double destinations = (3.0 * config.NHeads * layers) + (config.HasMlp ? layers : 0) + 1; // every head's q, k, v, every MLP, the logits
        double residual = 4.0 * prompts * positions * config.DModel; // one [b, p, d_model] float32
        double patterns = 4.0 * prompts * config.NHeads * positions * positions; // one layer's [b, h, p, p]
        return (residual * ((2 * sources) + (2 * layers) + 2 + destinations)) + (2 * patterns);
    }

    /// <summary>
    /// Throws <see cref="BadInputException"/> (suggesting <c>--batch</c>) when one batch of every prompt needs more than
    /// <paramref name="availableBytes"/>.
    /// </summary>
    public static void EnsureFits(HookedTransformerConfig config, ComputeGraph graph, long prompts, long positions, long availableBytes)
    {
        double need = EstimateBytes(config, graph, prompts, positions);
        if (need <= availableBytes)
        {
            return;
        }

        long suggestion = 1;
        while (suggestion * 2 <= prompts && EstimateBytes(config, graph, suggestion * 2, positions) <= availableBytes / 4.0)
        {
            suggestion *= 2;
        }

        throw new BadInputException(string.Create(
            CultureInfo.InvariantCulture,
            $"the task's {prompts} prompts of {positions} tokens need about {need / (1 << 30):0.#} GiB in one batch, more than the {availableBytes / (double)(1 << 30):0.#} GiB of memory available; split them with --batch B (e.g. --batch {suggestion})"));
    }

    /// <summary>The memory available now: /proc/meminfo's MemAvailable, capped by the runtime's limit (cgroups); the runtime's figure elsewhere.</summary>
    public static long AvailableBytes()
    {
        long runtime = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            const string meminfo = "/proc/meminfo";
            if (File.Exists(meminfo))
            {
                var line = File.ReadLines(meminfo).FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
                var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts is { Length: >= 2 } && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                {
                    return runtime > 0 ? Math.Min(runtime, kib * 1024) : kib * 1024;
                }
            }
        }
        catch (IOException)
        {
            // fall back to the runtime's figure
        }

        return runtime;
    }
}
