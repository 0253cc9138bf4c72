using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>What <c>task show</c> prints: the task's summary and its first prompts as ids and, with a tokenizer, token strings.</summary>
internal static class TaskSummary
{
    public static JObject Of(TaskDataset dataset, string path, int count, ITokenizer? tokenizer)
    {
        var examples = new JArray();
        foreach (var (prompt, index) in dataset.Prompts.Take(count).Select((p, i) => (p, i)))
        {
            var example = new JObject
            {
                ["index"] = index,
                ["length"] = prompt.Length,
                ["read_position"] = prompt.EffectiveReadPosition,
                ["clean"] = new JArray(prompt.Clean),
                ["corrupt"] = new JArray(prompt.Corrupt),
                ["answers"] = new JArray(prompt.Answers),
                ["wrong_answers"] = new JArray(prompt.WrongAnswers),
                ["word_positions"] = JObject.FromObject(prompt.WordPositions),
            };
            if (tokenizer is not null)
            {
                example["clean_tokens"] = Tokens(prompt.Clean, tokenizer);
                example["corrupt_tokens"] = Tokens(prompt.Corrupt, tokenizer);
                example["answer_tokens"] = Tokens(prompt.Answers, tokenizer);
                example["wrong_answer_tokens"] = Tokens(prompt.WrongAnswers, tokenizer);
            }

            examples.Add(example);
        }

        return new JObject
        {
            ["file"] = path,
            ["name"] = dataset.Name,
            ["prompt_count"] = dataset.Prompts.Count,
            ["metric"] = dataset.DefaultMetric,
            ["tokenizer"] = dataset.Tokenizer,
            ["dropped"] = dataset.Dropped,
            ["content_hash"] = dataset.ContentHash,
            ["seq_labels"] = dataset.SeqLabels is null ? null : new JArray(dataset.SeqLabels),
            ["prompts"] = examples,
        };
    }

    public static void Print(JObject summary, TextWriter stdout)
    {
        static string E(JToken? value) => TerminalText.Escape(value?.ToString() ?? string.Empty); // names and labels come from the file
        stdout.WriteLine($"task {E(summary["name"])} ({E(summary["file"])})");
        stdout.WriteLine($"  prompts:      {summary["prompt_count"]} ({summary["dropped"]} dropped)");
        stdout.WriteLine($"  metric:       {E(summary["metric"])}");
        stdout.WriteLine($"  tokenizer:    {(summary["tokenizer"] is JValue { Value: string t } ? TerminalText.Escape(t) : "(token ids)")}");
        stdout.WriteLine($"  content hash: {summary["content_hash"]}");
        if (summary["seq_labels"] is JArray labels)
        {
            stdout.WriteLine($"  seq_labels:   {TerminalText.Escape(string.Join(" ", labels.Values<string>()))}");
        }

        foreach (var example in (JArray)summary["prompts"]!)
        {
            stdout.WriteLine();
            stdout.WriteLine($"prompt {example["index"]}: {example["length"]} tokens, read at position {example["read_position"]}");
            Line(stdout, "clean", example, "clean", "clean_tokens");
            Line(stdout, "corrupt", example, "corrupt", "corrupt_tokens");
            Line(stdout, "answers", example, "answers", "answer_tokens");
            Line(stdout, "wrong", example, "wrong_answers", "wrong_answer_tokens");
            if (example["word_positions"] is JObject { Count: > 0 } words)
            {
                stdout.WriteLine($"  words:   {TerminalText.Escape(string.Join(", ", words.Properties().Select(p => $"{p.Name}={p.Value}")))}");
            }
        }
    }

    private static void Line(TextWriter stdout, string label, JToken example, string idsKey, string tokensKey)
    {
        stdout.WriteLine($"  {label + ":",-8} [{string.Join(", ", example[idsKey]!.Values<int>())}]");
        if (example[tokensKey] is JArray { Count: > 0 } tokens)
        {
            stdout.WriteLine($"  {string.Empty,-8} {string.Join(" ", tokens.Values<string>().Select(s => JsonConvert.ToString(s)))}");
        }
    }

    private static JArray Tokens(IReadOnlyList<int> ids, ITokenizer tokenizer) =>
        new(ids.Select(id => id < tokenizer.VocabularySize ? tokenizer.TokenToString(id) : $"<{id}>"));
}
