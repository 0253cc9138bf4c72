using CircuitFinder.Tasks;

namespace CircuitFinder.Detectors.Ioi;

/// <summary>The named positions of an IOI prompt: IO, the second S (S2, or S when only one is named) and END (the read position).</summary>
public static class IoiPositions
{
    public static int Io(TaskPrompt prompt) => prompt.WordPositions["IO"];

    public static int? S(TaskPrompt prompt) =>
        prompt.WordPositions.TryGetValue("S2", out var s2) ? s2 : prompt.WordPositions.TryGetValue("S", out var s) ? s : null;

    public static int End(TaskPrompt prompt) =>
        prompt.WordPositions.TryGetValue("end", out var end) ? end : prompt.EffectiveReadPosition;
}
