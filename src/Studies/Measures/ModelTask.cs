using CircuitFinder.Detectors.Runs;
using CircuitFinder.Model.Loading;

namespace CircuitFinder.Studies.Measures;

/// <summary>The task a model was built for: a zoo model's own task, else null (the study's default then applies).</summary>
public static class ModelTask
{
    public static string? Of(LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return DetectionRun.TaskHint(loaded.Source);
    }
}
