using System.CommandLine;
using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Patterns;

namespace CircuitFinder.Cli;

/// <summary>The options shared by <c>detect</c> and <c>wiki</c>: which detectors, user patterns, inputs and scoring.</summary>
public sealed class DetectorSettings
{
    public Option<string?> Detectors { get; } = new("--detectors")
    {
        Description = $"Comma-separated detectors (default: all): {string.Join(", ", HeadDetectorCatalog.Names)}",
    };

    public Option<string[]> Patterns { get; } = new("--pattern") { Description = "A JSON file of user attention patterns (a rule or a matrix each); repeatable" };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for random inputs, IOI prompts and baselines", DefaultValueFactory = _ => 0 };

    public Option<int> Sequences { get; } = new("--n") { Description = "Random sequences per attention-pattern input", DefaultValueFactory = _ => 32 };

    public Option<string> ErrorMeasure { get; } = new("--error-measure") { Description = "mul or abs (TransformerLens' error_measure)", DefaultValueFactory = _ => "mul" };

    public Option<bool> ExcludeBos { get; } = new("--exclude-bos") { Description = "Leave attention to BOS out of pattern scores" };

    public Option<bool> ExcludeCurrentToken { get; } = new("--exclude-current-token") { Description = "Leave attention to the query's own token out of pattern scores" };

    public Option<string?> IoiTask { get; } = new("--ioi-task") { Description = "IOI task (built-in name or task file) for name-mover and S-inhibition scores" };

    public TaskReadSwitches Bos { get; } = new();

    public void AddTo(Command command)
    {
        Bos.AddTo(command);
        foreach (var option in new Option[] { Detectors, Patterns, Seed, Sequences, ErrorMeasure, ExcludeBos, ExcludeCurrentToken, IoiTask })
        {
            command.Add(option);
        }
    }

    /// <summary>The files these options read (pattern files, an IOI task file), for the output checks.</summary>
    public IReadOnlyList<string?> Inputs(ParseResult parse) => [parse.GetValue(IoiTask), .. parse.GetValue(Patterns) ?? []];

    public DetectorOptions Options(ParseResult parse)
    {
        int sequences = parse.GetValue(Sequences);
        if (sequences <= 0)
        {
            throw new BadInputException($"--n must be positive, got {sequences}");
        }

        return new DetectorOptions
        {
            Seed = parse.GetValue(Seed),
            Sequences = sequences,
            Scoring = new PatternScoring(
                PatternScoring.ParseMeasure(parse.GetValue(ErrorMeasure)!, "--error-measure"), parse.GetValue(ExcludeBos), parse.GetValue(ExcludeCurrentToken)),
            IoiTask = parse.GetValue(IoiTask),
            PrependBos = Bos.PrependBos(parse),
        };
    }

    /// <summary>The chosen detectors in catalog order, then the user's patterns.</summary>
    public IReadOnlyList<IHeadDetector> Select(ParseResult parse)
    {
        var chosen = parse.GetValue(Detectors) is { } list ? Catalog(list) : HeadDetectorCatalog.All;
        var user = (parse.GetValue(Patterns) ?? []).SelectMany(CustomPattern.Load).ToList();
        try
        {
            return HeadDetectorCatalog.WithPatterns(chosen, user);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"--pattern: {e.Message}");
        }
    }

    private static IReadOnlyList<IHeadDetector> Catalog(string list)
    {
        try
        {
            return HeadDetectorCatalog.Select(list.Split(','));
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"--detectors: {e.Message}");
        }
    }
}
