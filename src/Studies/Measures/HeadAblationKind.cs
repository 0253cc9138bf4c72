namespace CircuitFinder.Studies.Measures;

/// <summary>How a head's output (<c>hook_z</c>) is replaced: by zero, by its mean over the batch at each position, or by its value on other inputs (resample).</summary>
public enum HeadAblationKind
{
    Zero,
    Mean,
    Resample,
}
