using CircuitFinder.Studies.Framework;
using CircuitFinder.Studies.Seed;

namespace CircuitFinder.Studies;

/// <summary>Maps <c>circuitfinder study NAME</c> keys to the seed studies, in the order of the open-problems list.</summary>
public static class StudyCatalog
{
    /// <summary>Every study, in listing order.</summary>
    public static IReadOnlyList<IStudy> All { get; } =
    [
        new InductionHeadsStudy(),
        new InductionFormationStudy(),
        new HeadAblationStudy(),
        new AblationDisagreementStudy(),
        new CompositionStudy(),
        new HeadDetectorsStudy(),
        new IoiHeadsStudy(),
        new BackupHeadsStudy(),
        new DlaVsPatchingStudy(),
        new CircuitCheckStudy(),
        new DiscoveryMethodsStudy(),
        new TrainingDiffStudy(),
        new HeadWikiStudy(),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(s => s.Name).ToList();

    /// <summary>The study called <paramref name="name"/>; a <see cref="BadInputException"/> naming the nearest one otherwise.</summary>
    public static IStudy Get(string name)
    {
        var study = All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
        return study ?? throw new BadInputException(
            $"study: unknown study '{name}' (did you mean {Suggest.Nearest(name, Names)}? known: {string.Join(", ", Names)}; see study list)");
    }
}
