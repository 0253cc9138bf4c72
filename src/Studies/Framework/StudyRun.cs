using System.Diagnostics;

namespace CircuitFinder.Studies.Framework;

/// <summary>Runs a study as a library service: resolves its inputs, runs it and returns its <see cref="StudyResult"/>.</summary>
public static class StudyRun
{
    public static StudyResult Run(IStudy study, StudyInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(study);
        var context = new StudyContext(study, inputs);
        var clock = Stopwatch.StartNew();
        study.Run(context);
        return context.Result(clock.Elapsed.TotalSeconds);
    }
}
