using CircuitFinder.Tasks.Generators;

namespace CircuitFinder.Tasks;

/// <summary>Maps CLI keys to the built-in task generators.</summary>
public static class TaskGeneratorCatalog
{
    private static readonly IReadOnlyList<ITaskGenerator> All =
    [
        new IoiGenerator(),
        new GreaterThanGenerator(),
        new DocstringGenerator(),
        new InductionGenerator(),
        new AcronymGenerator(),
        new PlantedIoiGenerator(),
        new ToyIoiGenerator(),
        new NameCopyGenerator(),
    ];

    public static IReadOnlyList<string> Names => All.Select(g => g.Name).ToList();

    public static IReadOnlyList<ITaskGenerator> Generators => All;

    public static bool TryCreate(string name, out ITaskGenerator? generator)
    {
        generator = All.FirstOrDefault(g => g.Name == name);
        return generator is not null;
    }
}
