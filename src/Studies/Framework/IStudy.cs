namespace CircuitFinder.Studies.Framework;

/// <summary>
/// A study: one open problem's experiment as library calls. It runs its steps on the inputs it is given (its
/// <see cref="Defaults"/> where none are), and returns the steps, tables, plots and claims as a <see cref="StudyResult"/>.
/// A claim that fails is a result, not an exception; bad inputs are <see cref="BadInputException"/>s naming the option.
/// </summary>
public interface IStudy
{
    /// <summary>The key on the command line, e.g. <c>induction-heads</c>.</summary>
    string Name { get; }

    /// <summary>One line: what the study does.</summary>
    string Description { get; }

    /// <summary>The numbers of the open problems it seeds (Neel Nanda's list), e.g. <c>3.16, 6.20</c>.</summary>
    string SeedProblems { get; }

    /// <summary>What the study claims, one sentence a claim (the report and <c>study list</c> show them).</summary>
    IReadOnlyList<string> ClaimStatements { get; }

    /// <summary>The inputs it runs on when none are given: zoo models, no download.</summary>
    StudyDefaults Defaults { get; }

    /// <summary>Runs the study; <paramref name="context"/> holds the resolved inputs and collects what is recorded.</summary>
    void Run(StudyContext context);
}
