using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tasks.Files;

/// <summary>
/// Reads one prompt record (<c>clean</c>, <c>corrupt</c>, <c>answers</c>, <c>wrong_answers</c>, <c>read_position</c>,
/// <c>word_positions</c>, <c>clean_text</c>, <c>corrupt_text</c>) into a <see cref="TaskPrompt"/>. Every error names
/// where the prompt is (<c>file: prompt 3 (line 17)</c>) and the field.
/// </summary>
internal sealed class TaskPromptReader
{
    private readonly ITokenizer? _tokenizer;
    private readonly int _dVocab;
    private readonly TaskReadOptions _options;

    public TaskPromptReader(ITokenizer? tokenizer, int dVocab, TaskReadOptions options)
    {
        _tokenizer = tokenizer;
        _dVocab = dVocab;
        _options = options;
    }

    /// <summary>True once a prompt or answer was given as text (the dataset then belongs to the tokenizer).</summary>
    public bool UsedText { get; private set; }

    public TaskPrompt Read(JToken token, string where)
    {
        if (token is not JObject json)
        {
            throw new BadInputException($"{where}: expected a prompt object with clean, corrupt and answers, found {TaskJson.Describe(token)}");
        }

        var (clean, cleanText) = Sequence(json, "clean", where);
        var (corrupt, corruptText) = Sequence(json, "corrupt", where);
        if (clean.Count == 0)
        {
            throw Field(where, "clean", "the prompt is empty");
        }

        if (corrupt.Count != clean.Count)
        {
            throw Field(
                where,
                "corrupt",
                $"the corrupted prompt has {corrupt.Count} tokens but the clean prompt has {clean.Count}; they must have the same length");
        }

        var answers = Answers(json, "answers", where, required: true);
        if (answers.Count == 0)
        {
            throw Field(where, "answers", "the list is empty; give at least one answer token");
        }

        var wrong = Answers(json, "wrong_answers", where, required: false);
        int readPosition = ReadPosition(json, clean.Count, where);
        var words = WordPositions(json, clean.Count, where);
        return new TaskPrompt
        {
            Clean = clean,
            Corrupt = corrupt,
            Answers = answers,
            WrongAnswers = wrong,
            ReadPosition = readPosition,
            WordPositions = words,
            CleanText = cleanText ?? OptionalText(json, "clean_text", where),
            CorruptText = corruptText ?? OptionalText(json, "corrupt_text", where),
        };
    }

    /// <summary>Checks a word position against a prompt's length.</summary>
    public static void CheckPosition(int position, int length, string where, string field)
    {
        if (position < 0 || position >= length)
        {
            throw Field(where, field, $"position {position} is out of range for a prompt of {length} tokens (0 to {length - 1})");
        }
    }

    public static BadInputException Field(string where, string field, string problem) =>
        new($"{where}, field '{field}': {problem}");

    private (List<int> Ids, string? Text) Sequence(JObject json, string field, string where)
    {
        if (!json.TryGetValue(field, out var value))
        {
            throw new BadInputException($"{where}: missing field '{field}'");
        }

        if (value.Type == JTokenType.String)
        {
            string text = (string)value!;
            var ids = new List<int>();
            if (_options.PrependBos && Tokenizer(where, field).BosTokenId is { } bos && bos < _dVocab) // a BOS outside the model's vocabulary is not the model's
            {
                ids.Add(bos);
            }

            ids.AddRange(Encode(text, where, field));
            CheckLength(ids.Count, where, field);
            CheckVocabulary(ids, where, field);
            UsedText = true;
            return (ids, text);
        }

        if (value is JArray array)
        {
            CheckLength(array.Count, where, field);
            return (Ids(array, where, field), null);
        }

        throw Field(where, field, $"expected a string or a list of token ids, found {TaskJson.Describe(value)}");
    }

    private void CheckLength(int tokens, string where, string field)
    {
        if (_options.MaxLength is { } max && tokens > max)
        {
            throw Field(where, field, $"the prompt has {tokens} tokens, more than the model's n_ctx = {max}");
        }
    }

    private List<int> Answers(JObject json, string field, string where, bool required)
    {
        if (!json.TryGetValue(field, out var value) || (!required && value.Type == JTokenType.Null))
        {
            return required ? throw new BadInputException($"{where}: missing field '{field}'") : [];
        }

        if (value is not JArray array)
        {
            throw Field(where, field, $"expected a list of single tokens (strings such as \" Mary\" or token ids), found {TaskJson.Describe(value)}");
        }

        var ids = new List<int>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            var item = array[i];
            if (item.Type == JTokenType.String)
            {
                string text = (string)item!;
                var tokens = Encode(text, where, field);
                if (tokens.Count != 1)
                {
                    string json1 = JsonConvert.ToString(text);
                    throw Field(
                        where,
                        field,
                        $"item {i} ({json1}) is {tokens.Count} tokens [{string.Join(", ", tokens)}], expected exactly one");
                }

                UsedText = true;
                ids.Add(tokens[0]);
            }
            else
            {
                ids.Add(Id(item, i, where, field));
            }
        }

        CheckVocabulary(ids, where, field);
        return ids;
    }

    private List<int> Ids(JArray array, string where, string field)
    {
        var ids = new List<int>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            ids.Add(Id(array[i], i, where, field));
        }

        CheckVocabulary(ids, where, field);
        return ids;
    }

    private static int Id(JToken item, int index, string where, string field)
    {
        int id = TaskJson.AsInt(item)
            ?? throw Field(where, field, $"item {index} is {TaskJson.Describe(item)}, expected an integer token id");
        if (id < 0)
        {
            throw Field(where, field, $"token id {id} at index {index} is negative");
        }

        return id;
    }

    private void CheckVocabulary(List<int> ids, string where, string field) =>
        TokenizerLoader.CheckIds(ids, _dVocab, $"{where}, field '{field}'");

    private IReadOnlyList<int> Encode(string text, string where, string field)
    {
        try
        {
            return Tokenizer(where, field).Encode(text);
        }
        catch (BadInputException e) when (!e.Message.StartsWith(where, StringComparison.Ordinal))
        {
            throw Field(where, field, e.Message);
        }
    }

    private ITokenizer Tokenizer(string where, string field) =>
        _tokenizer ?? throw Field(where, field, "the value is text but the model has no tokenizer; give token ids instead");

    private static int ReadPosition(JObject json, int length, string where)
    {
        if (!json.TryGetValue("read_position", out var value) || value.Type == JTokenType.Null)
        {
            return -1;
        }

        int position = TaskJson.AsInt(value)
            ?? throw Field(where, "read_position", $"expected an integer token position, found {TaskJson.Describe(value)}");
        CheckPosition(position, length, where, "read_position");
        return position;
    }

    private static Dictionary<string, int> WordPositions(JObject json, int length, string where)
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!json.TryGetValue("word_positions", out var value) || value.Type == JTokenType.Null)
        {
            return words;
        }

        if (value is not JObject map)
        {
            throw Field(where, "word_positions", $"expected an object of name → position, found {TaskJson.Describe(value)}");
        }

        foreach (var (name, positionToken) in map)
        {
            string field = $"word_positions.{name}";
            int position = TaskJson.AsInt(positionToken!)
                ?? throw Field(where, field, $"expected an integer token position, found {TaskJson.Describe(positionToken!)}");
            CheckPosition(position, length, where, field);
            words[name] = position;
        }

        return words;
    }

    private static string? OptionalText(JObject json, string field, string where)
    {
        if (!json.TryGetValue(field, out var value) || value.Type == JTokenType.Null)
        {
            return null;
        }

        return value.Type == JTokenType.String
            ? (string)value!
            : throw Field(where, field, $"expected a string, found {TaskJson.Describe(value)}");
    }
}
