using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tasks.Files;

/// <summary>
/// Writes a task in the format <see cref="TaskFileReader"/> reads: token ids for clean, corrupt, answers and
/// wrong_answers (plus <c>clean_text</c>/<c>corrupt_text</c> where known), the file-level <c>name</c>, <c>metric</c>,
/// <c>tokenizer</c>, <c>dropped</c> and <c>seq_labels</c>, per-prompt <c>read_position</c> and <c>word_positions</c>.
/// JSON, one prompt a line inside the list; or JSON Lines for a <c>.jsonl</c> path, with a first line
/// <c>{"task": {...}}</c> for the file-level fields. Written atomically: a temporary file, then a rename.
/// </summary>
public static class TaskFileWriter
{
    public static void Write(TaskDataset dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllText(path, Format(dataset, TaskFileReader.IsJsonLines(path)));
    }

    /// <summary>The file's text: JSON, or JSON Lines when <paramref name="jsonLines"/>.</summary>
    public static string Format(TaskDataset dataset, bool jsonLines)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var text = new StringWriter { NewLine = "\n" };
        var header = Header(dataset);
        if (jsonLines)
        {
            text.WriteLine(new JObject { ["task"] = header }.ToString(Formatting.None));
            foreach (var prompt in dataset.Prompts)
            {
                text.WriteLine(Prompt(prompt).ToString(Formatting.None));
            }

            return text.ToString();
        }

        text.WriteLine("{");
        foreach (var (key, value) in header)
        {
            text.WriteLine($"  {JsonConvert.ToString(key)}: {value!.ToString(Formatting.None)},");
        }

        text.WriteLine("  \"prompts\": [");
        for (int i = 0; i < dataset.Prompts.Count; i++)
        {
            string comma = i < dataset.Prompts.Count - 1 ? "," : string.Empty;
            text.WriteLine($"    {Prompt(dataset.Prompts[i]).ToString(Formatting.None)}{comma}");
        }

        text.WriteLine("  ]");
        text.WriteLine("}");
        return text.ToString();
    }

    private static JObject Header(TaskDataset dataset)
    {
        var header = new JObject
        {
            ["name"] = dataset.Name,
            ["metric"] = dataset.DefaultMetric,
        };
        if (dataset.Tokenizer is not null)
        {
            header["tokenizer"] = dataset.Tokenizer;
        }

        if (dataset.Dropped != 0)
        {
            header["dropped"] = dataset.Dropped;
        }

        if (dataset.SeqLabels is not null)
        {
            header["seq_labels"] = new JArray(dataset.SeqLabels);
        }

        return header;
    }

    private static JObject Prompt(TaskPrompt prompt)
    {
        var json = new JObject
        {
            ["clean"] = new JArray(prompt.Clean),
            ["corrupt"] = new JArray(prompt.Corrupt),
            ["answers"] = new JArray(prompt.Answers),
            ["wrong_answers"] = new JArray(prompt.WrongAnswers),
        };
        if (prompt.ReadPosition >= 0)
        {
            json["read_position"] = prompt.ReadPosition;
        }

        if (prompt.WordPositions.Count > 0)
        {
            var words = new JObject();
            foreach (var (name, position) in prompt.WordPositions)
            {
                words[name] = position;
            }

            json["word_positions"] = words;
        }

        if (prompt.CleanText is not null)
        {
            json["clean_text"] = prompt.CleanText;
        }

        if (prompt.CorruptText is not null)
        {
            json["corrupt_text"] = prompt.CorruptText;
        }

        return json;
    }
}
