using CircuitFinder.Model;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tasks.Files;

/// <summary>
/// A task file's fields outside the prompts: <c>name</c>, <c>metric</c>, <c>tokenizer</c>, <c>dropped</c>,
/// <c>seq_labels</c> and <c>word_idxs</c> (a position per name, the same for every prompt or one per prompt).
/// </summary>
internal sealed record TaskFileHeader
{
    public static TaskFileHeader Empty { get; } = new();

    public string? Name { get; init; }

    public string? Metric { get; init; }

    public string? Tokenizer { get; init; }

    public int Dropped { get; init; }

    public IReadOnlyList<string>? SeqLabels { get; init; }

    /// <summary>word_idxs: name → one position for all prompts, or one position per prompt.</summary>
    public IReadOnlyDictionary<string, WordIdx> WordIdxs { get; init; } = new Dictionary<string, WordIdx>();

    /// <summary>The header fields of <paramref name="json"/>; <paramref name="where"/> starts every message.</summary>
    public static TaskFileHeader Parse(JObject json, string where) => new()
    {
        Name = OptionalString(json, "name", where),
        Metric = ParseMetric(json, where),
        Tokenizer = OptionalString(json, "tokenizer", where),
        Dropped = ParseDropped(json, where),
        SeqLabels = ParseSeqLabels(json, where),
        WordIdxs = ParseWordIdxs(json, where),
    };

    private static string? ParseMetric(JObject json, string where)
    {
        var metric = OptionalString(json, "metric", where);
        if (metric is not null && !TaskMetrics.Names.Contains(metric))
        {
            throw new BadInputException($"{where}, field 'metric': unknown metric '{metric}' (expected {string.Join(", ", TaskMetrics.Names)})");
        }

        return metric;
    }

    /// <summary>Checks seq_labels and word_idxs against the prompts and returns the prompts with word_idxs merged in.</summary>
    public IReadOnlyList<TaskPrompt> Apply(IReadOnlyList<TaskPrompt> prompts, IReadOnlyList<string> where, string file)
    {
        if (SeqLabels is { } labels && prompts.Select(p => p.Length).Distinct().Count() == 1 && labels.Count != prompts[0].Length)
        {
            throw new BadInputException(
                $"{file}, field 'seq_labels': {labels.Count} labels but every prompt has {prompts[0].Length} tokens; give one label per position");
        }

        if (WordIdxs.Count == 0)
        {
            return prompts;
        }

        foreach (var (name, positions) in WordIdxs)
        {
            if (positions.PerPrompt is { } list && list.Count != prompts.Count)
            {
                throw new BadInputException(
                    $"{file}, field 'word_idxs.{name}': {list.Count} positions for {prompts.Count} prompts; give one per prompt or a single integer");
            }
        }

        var merged = new List<TaskPrompt>(prompts.Count);
        for (int p = 0; p < prompts.Count; p++)
        {
            var words = new Dictionary<string, int>(prompts[p].WordPositions, StringComparer.Ordinal);
            foreach (var (name, positions) in WordIdxs)
            {
                int position = positions.Shared ?? positions.PerPrompt![p];
                TaskPromptReader.CheckPosition(position, prompts[p].Length, where[p], $"word_idxs.{name}");
                words.TryAdd(name, position);
            }

            merged.Add(prompts[p] with { WordPositions = words });
        }

        return merged;
    }

    private static string? OptionalString(JObject json, string field, string where)
    {
        if (!json.TryGetValue(field, out var value) || value.Type == JTokenType.Null)
        {
            return null;
        }

        return value.Type == JTokenType.String && ((string)value!).Length > 0
            ? (string)value!
            : throw new BadInputException($"{where}, field '{field}': expected a non-empty string, found {TaskJson.Describe(value)}");
    }

    private static int ParseDropped(JObject json, string where)
    {
        if (!json.TryGetValue("dropped", out var value) || value.Type == JTokenType.Null)
        {
            return 0;
        }

        return TaskJson.AsInt(value) is { } n and >= 0
            ? n
            : throw new BadInputException($"{where}, field 'dropped': expected a non-negative integer, found {TaskJson.Describe(value)}");
    }

    private static List<string>? ParseSeqLabels(JObject json, string where)
    {
        if (!json.TryGetValue("seq_labels", out var value) || value.Type == JTokenType.Null)
        {
            return null;
        }

        if (value is not JArray array)
        {
            throw new BadInputException($"{where}, field 'seq_labels': expected a list of strings, found {TaskJson.Describe(value)}");
        }

        var labels = new List<string>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            labels.Add(array[i].Type == JTokenType.String
                ? (string)array[i]!
                : throw new BadInputException($"{where}, field 'seq_labels': item {i} is {TaskJson.Describe(array[i])}, expected a string"));
        }

        return labels;
    }

    private static Dictionary<string, WordIdx> ParseWordIdxs(JObject json, string where)
    {
        var result = new Dictionary<string, WordIdx>(StringComparer.Ordinal);
        if (!json.TryGetValue("word_idxs", out var value) || value.Type == JTokenType.Null)
        {
            return result;
        }

        if (value is not JObject map)
        {
            throw new BadInputException($"{where}, field 'word_idxs': expected an object of name → position(s), found {TaskJson.Describe(value)}");
        }

        foreach (var (name, entry) in map)
        {
            string field = $"word_idxs.{name}";
            if (entry is JArray list)
            {
                var positions = new List<int>(list.Count);
                for (int i = 0; i < list.Count; i++)
                {
                    positions.Add(TaskJson.AsInt(list[i])
                        ?? throw new BadInputException($"{where}, field '{field}': item {i} is {TaskJson.Describe(list[i])}, expected an integer position"));
                }

                result[name] = new WordIdx(null, positions);
            }
            else
            {
                int shared = TaskJson.AsInt(entry!)
                    ?? throw new BadInputException($"{where}, field '{field}': expected an integer or a list of integers, found {TaskJson.Describe(entry!)}");
                result[name] = new WordIdx(shared, null);
            }
        }

        return result;
    }

    /// <summary>One word_idxs entry: a position shared by every prompt, or one per prompt.</summary>
    internal sealed record WordIdx(int? Shared, IReadOnlyList<int>? PerPrompt);
}
