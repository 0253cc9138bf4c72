using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>Checks on the values a checkpoint holds.</summary>
public static class StateDictChecks
{
    /// <summary>Throws naming the first key (in ordinal order) whose floating tensor holds a NaN or an infinity.</summary>
    public static void EnsureFinite(StateDict dict)
    {
        foreach (var key in dict.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var tensor = dict[key];
            if (!tensor.is_floating_point())
            {
                continue;
            }

            using var scope = NewDisposeScope();
            long bad = isfinite(tensor).logical_not().sum().item<long>();
            if (bad > 0)
            {
                throw new BadInputException(
                    $"{dict.Source}: '{key}' {FormatShape(tensor.shape)} holds {bad} NaN or infinite value(s)");
            }
        }
    }

    private static string FormatShape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
