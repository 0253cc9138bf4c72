using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tasks.Files;

/// <summary>
/// Reads a task file in auto-circuit's prompt format: JSON <c>{"prompts": [{"clean": ..., "corrupt": ...,
/// "answers": [...], "wrong_answers": [...]}], "seq_labels": [...]?, "word_idxs": {...}?, "metric": ...?}</c>, or the
/// same prompt records as JSON Lines (<c>.jsonl</c>, one prompt object a line, blank lines ignored, optionally a first
/// line <c>{"task": {...}}</c> carrying the file-level fields). Clean and corrupted prompts are text (tokenized with
/// the given tokenizer) or token ids; answers are single tokens, text with its leading space or ids.
/// Anything wrong is a <see cref="BadInputException"/> naming the file, the prompt (and line) and the field; nothing
/// is returned half-read.
/// </summary>
public static class TaskFileReader
{
    /// <summary>The extension that selects JSON Lines (any other is read as JSON).</summary>
    public const string JsonLinesExtension = ".jsonl";

    /// <summary>
    /// Reads <paramref name="path"/>. Token ids must lie in [0, <paramref name="dVocab"/>). The task's name is the
    /// file's <c>name</c> field, else the file name without extension; its metric the <c>metric</c> field (one of
    /// <see cref="TaskMetrics.Names"/>; logit-diff and prob-diff need every prompt's wrong_answers), else
    /// <c>logit-diff</c> when every prompt has wrong answers and <c>logprob</c> when some have none.
    /// </summary>
    public static TaskDataset Read(string path, ITokenizer? tokenizer, int dVocab, TaskReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dVocab);
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: task file not found");
        }

        string text;
        try
        {
            text = InputFile.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot read the task file: {e.Message}", e);
        }

        var readOptions = options ?? TaskReadOptions.Default;
        var reader = new TaskPromptReader(tokenizer, dVocab, readOptions);
        var (header, prompts, where) = IsJsonLines(path) ? ReadJsonLines(text, path, reader) : ReadJson(text, path, reader);
        if (prompts.Count == 0)
        {
            throw new BadInputException($"{path}: the task has no prompts");
        }

        bool everyPromptHasWrongAnswers = prompts.TrueForAll(p => p.WrongAnswers.Count > 0);
        string metric = header.Metric ?? (everyPromptHasWrongAnswers ? "logit-diff" : "logprob"); // a difference needs wrong answers
        if (header.Metric is { } named && TaskMetrics.NeedingWrongAnswers.Contains(named) && !everyPromptHasWrongAnswers)
        {
            int bare = prompts.FindIndex(p => p.WrongAnswers.Count == 0);
            throw new BadInputException(
                $"{where[bare]}, field 'wrong_answers': missing or empty, but the file's metric {named} compares the answers with wrong answers; give wrong_answers or another \"metric\" (e.g. \"logprob\")");
        }

        return new TaskDataset
        {
            Name = header.Name ?? Path.GetFileNameWithoutExtension(path),
            Prompts = header.Apply(prompts, where, path),
            DefaultMetric = metric,
            PrependedBos = reader.UsedText ? readOptions.PrependBos : null,
            SeqLabels = header.SeqLabels,
            Dropped = header.Dropped,
            Tokenizer = reader.UsedText ? tokenizer!.Name : header.Tokenizer,
        };
    }

    /// <summary>True when <paramref name="path"/> names a JSON Lines file.</summary>
    public static bool IsJsonLines(string path) =>
        string.Equals(Path.GetExtension(path), JsonLinesExtension, StringComparison.OrdinalIgnoreCase);

    private static (TaskFileHeader Header, List<TaskPrompt> Prompts, List<string> Where) ReadJson(string text, string path, TaskPromptReader reader)
    {
        var root = TaskJson.Parse(text, path);
        if (root is not JObject json)
        {
            throw new BadInputException($"{path}: the top level must be an object with a \"prompts\" list, found {TaskJson.Describe(root)}");
        }

        if (!json.TryGetValue("prompts", out var promptsToken))
        {
            throw new BadInputException($"{path}: missing field 'prompts' (a list of prompt objects)");
        }

        if (promptsToken is not JArray array)
        {
            throw new BadInputException($"{path}, field 'prompts': expected a list of prompt objects, found {TaskJson.Describe(promptsToken)}");
        }

        var header = TaskFileHeader.Parse(json, path);
        var prompts = new List<TaskPrompt>(array.Count);
        var where = new List<string>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            where.Add($"{path}: prompt {i} (line {TaskJson.LineOf(array[i])})");
            prompts.Add(reader.Read(array[i], where[i]));
        }

        return (header, prompts, where);
    }

    private static (TaskFileHeader Header, List<TaskPrompt> Prompts, List<string> Where) ReadJsonLines(string text, string path, TaskPromptReader reader)
    {
        var header = TaskFileHeader.Empty;
        var prompts = new List<TaskPrompt>();
        var where = new List<string>();
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
            {
                continue;
            }

            var token = TaskJson.Parse(lines[n], path, lineOffset: n);
            if (prompts.Count == 0 && ReferenceEquals(header, TaskFileHeader.Empty) && IsHeaderLine(token, out var fields))
            {
                header = TaskFileHeader.Parse(fields, $"{path}: line {n + 1} (task header)");
                continue;
            }

            where.Add($"{path}: line {n + 1} (prompt {prompts.Count})");
            prompts.Add(reader.Read(token, where[^1]));
        }

        return (header, prompts, where);
    }

    private static bool IsHeaderLine(JToken token, out JObject fields)
    {
        if (token is JObject { Count: 1 } json && json["task"] is JObject task)
        {
            fields = task;
            return true;
        }

        fields = [];
        return false;
    }
}
