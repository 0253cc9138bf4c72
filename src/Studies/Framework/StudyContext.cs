using System.Diagnostics;
using System.Globalization;
using CircuitFinder.Detectors.Runs;
using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Loading;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;

namespace CircuitFinder.Studies.Framework;

/// <summary>
/// One run of a study: the inputs resolved against the study's defaults, the loaders that record every input they read
/// (with its hash), and what the study records — steps, tables, plots, claims, notes, timings — in the order recorded.
/// </summary>
public sealed class StudyContext
{
    private readonly List<StudyInput> _inputs = [];
    private readonly List<StudyStep> _steps = [];
    private readonly List<StudyTable> _tables = [];
    private readonly List<StudyPlot> _plots = [];
    private readonly List<StudyClaim> _claims = [];
    private readonly List<string> _notes = [];
    private readonly SortedDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, double>> _timings = [];

    public StudyContext(IStudy study, StudyInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(inputs);
        Study = study;
        Given = inputs;
        if (inputs.N is <= 0)
        {
            throw new BadInputException($"--n must be positive, got {inputs.N}");
        }

        if (inputs.Revisions is not null && inputs.Family is null)
        {
            throw new BadInputException($"study {study.Name}: --revisions needs --family NAME (a hub model's name)");
        }

        if (inputs.Model is not null && inputs.Family is not null)
        {
            throw new BadInputException($"study {study.Name}: give --model or --family, not both");
        }
    }

    public IStudy Study { get; }

    /// <summary>What the user gave.</summary>
    public StudyInputs Given { get; }

    public int Seed => Given.Seed;

    /// <summary>Prompts (or sequences) per batch: <c>--n</c>, else the study's default.</summary>
    public int N => Given.N ?? Study.Defaults.N;

    /// <summary>The model to study: <c>--model</c>, else the default; a <see cref="BadInputException"/> when the study has none.</summary>
    public string ModelSpec => Given.Model ?? (Given.Family is null ? Study.Defaults.Model : null)
        ?? throw new BadInputException($"study {Study.Name}: give --model (this study takes one model)");

    /// <summary>The family of checkpoints: <c>--family</c>, else the default; a <see cref="BadInputException"/> when the study has none.</summary>
    public string FamilySpec => Given.Family ?? (Given.Model is null ? Study.Defaults.Family : null)
        ?? throw new BadInputException($"study {Study.Name}: give --family (this study compares the checkpoints of one run)");

    /// <summary>The task: <c>--task</c>, else <paramref name="fallback"/> (the model's own, say), else the study's default.</summary>
    public string TaskName(string? fallback = null) => Given.Task ?? fallback ?? Study.Defaults.Task
        ?? throw new BadInputException($"study {Study.Name}: give --task");

    public LoadOptions LoadOptions => Given.Load ?? new LoadOptions();

    /// <summary>
    /// The family of <see cref="FamilySpec"/>: a folder of models or <c>step_N</c> checkpoints, <c>zoo:NAME</c>'s shipped
    /// checkpoints, or with <c>--revisions</c> a hub model's revisions (from the HuggingFace cache).
    /// </summary>
    public ModelFamily Family() => Given.Revisions is { } revisions
        ? ModelFamily.FromRevisions(FamilySpec, RevisionList.Parse(revisions, "--revisions"), "--family")
        : ModelFamily.FromFolder(FamilySpec, "--family");

    /// <summary>How a family member is shown among the inputs: <c>zoo:NAME/checkpoints/step_N</c> for the zoo's checkpoints, else its folder.</summary>
    public static string MemberName(string family, string source, string name) =>
        family.StartsWith(CircuitFinder.Model.Zoo.ZooCatalog.Prefix, StringComparison.Ordinal) ? $"{family}/checkpoints/{name}" : source;

    /// <summary>
    /// Loads <paramref name="spec"/> (default <see cref="ModelSpec"/>) and records it as an input, shown as
    /// <paramref name="shownAs"/> when given (a zoo checkpoint by its zoo name rather than its installed path); the caller disposes it.
    /// </summary>
    public LoadedModel LoadModel(string? spec = null, string role = "model", string? shownAs = null)
    {
        var loaded = ModelLoader.Load(spec ?? ModelSpec, LoadOptions);
        _inputs.Add(new StudyInput(role, shownAs ?? loaded.Source, loaded.WeightsSha256));
        return loaded;
    }

    /// <summary>
    /// The task <paramref name="name"/> for <paramref name="loaded"/>: a task file (its first <see cref="N"/> prompts) or a
    /// built-in generator run with <see cref="N"/> and the seed; recorded as an input with its content hash.
    /// </summary>
    public TaskDataset LoadTask(LoadedModel loaded, string name, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        int n = count ?? N;
        var config = loaded.Model.Config;
        TaskDataset dataset;
        if (System.IO.File.Exists(name))
        {
            dataset = TaskFileReader.Read(name, loaded.Tokenizer, config.DVocab, new TaskReadOptions { PrependBos = true, MaxLength = config.NCtx }).First(n);
        }
        else if (TaskGeneratorCatalog.TryCreate(name, out var generator))
        {
            dataset = generator!.Generate(n, Seed, loaded.Tokenizer, config.DVocab);
            dataset.EnsureFits(config.NCtx, $"--task {name}");
        }
        else
        {
            throw new BadInputException(
                $"--task: '{name}' is neither a task file nor a built-in task (built-in: {string.Join(", ", TaskGeneratorCatalog.Names)})");
        }

        if (!_inputs.Any(i => i.Role == "task" && i.Sha256 == dataset.ContentHash))
        {
            _inputs.Add(new StudyInput("task", name, dataset.ContentHash));
        }

        return dataset;
    }

    /// <summary>Records an input read some other way (a checkpoint's weights, say).</summary>
    public void AddInput(StudyInput input) => _inputs.Add(input);

    /// <summary>Records a step with its parameters (name, value pairs; values formatted invariantly) and a one-line summary.</summary>
    public void Step(string name, string summary, params (string Key, object? Value)[] parameters) =>
        _steps.Add(new StudyStep(name, parameters.Select(p => new KeyValuePair<string, string>(p.Key, Text(p.Value))).ToList(), summary));

    public void Table(StudyTable table) => _tables.Add(table);

    public void Plot(StudyPlot plot) => _plots.Add(plot);

    public StudyClaim Claim(StudyClaim claim)
    {
        _claims.Add(claim);
        return claim;
    }

    public void Note(string note) => _notes.Add(note);

    /// <summary>Adds a file to the study's folder (<paramref name="path"/> relative, with forward slashes, under a sub-folder).</summary>
    public void File(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.Contains('/', StringComparison.Ordinal) || path.StartsWith('/') || path.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"a study's extra file goes in a sub-folder, by a relative path: '{path}'", nameof(path));
        }

        _files[path] = bytes;
    }

    /// <summary>Runs <paramref name="phase"/> and records its wall time (timings are the one part of a result that may differ between runs).</summary>
    public T Time<T>(string phase, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var clock = Stopwatch.StartNew();
        var result = work();
        _timings.Add(new KeyValuePair<string, double>(phase, Math.Round(clock.Elapsed.TotalSeconds, 3)));
        return result;
    }

    /// <summary>The result of the run so far.</summary>
    public StudyResult Result(double totalSeconds) => new()
    {
        Study = Study.Name,
        Description = Study.Description,
        SeedProblems = Study.SeedProblems,
        Seed = Seed,
        Inputs = _inputs.ToList(),
        Steps = _steps.ToList(),
        Tables = _tables.ToList(),
        Plots = _plots.ToList(),
        Claims = _claims.ToList(),
        Notes = _notes.ToList(),
        Files = new SortedDictionary<string, byte[]>(_files, StringComparer.Ordinal),
        Timings = [.. _timings, new KeyValuePair<string, double>("total", Math.Round(totalSeconds, 3))],
    };

    /// <summary>A parameter value as text: numbers invariantly (doubles with 6 significant digits), lists comma-separated.</summary>
    public static string Text(object? value) => value switch
    {
        null => "none",
        string s => s,
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => string.Join(", ", e.Cast<object?>().Select(Text)),
        _ => value.ToString() ?? string.Empty,
    };
}
