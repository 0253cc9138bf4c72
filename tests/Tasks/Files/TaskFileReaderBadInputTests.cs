using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks.Files;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Files;

/// <summary>
/// Malformed task files: each is a <see cref="BadInputException"/> whose message names the file, the prompt (index, or
/// line for JSON Lines) and the field, and says what is wrong.
/// </summary>
public sealed class TaskFileReaderBadInputTests : IDisposable
{
    private const string Ok = """{"clean": [1, 2, 3], "corrupt": [4, 5, 6], "answers": [7], "wrong_answers": [8]}""";

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<BadInputException>(() => TaskFileReader.Read(_folder.File("absent.json"), null, 100));
        AssertNames(error, "absent.json", "not found");
    }

    [Fact]
    public void Malformed_json_is_reported_with_line_and_position()
    {
        var error = Rejected("{\n  \"prompts\": [\n    {\"clean\": [1, 2 3]}\n  ]\n}");
        AssertNames(error, "task.json", "malformed JSON", "line 3", "position");
    }

    [Fact]
    public void A_duplicate_key_is_malformed_json()
    {
        var error = Rejected("""{"prompts": [{"clean": [1], "clean": [2], "corrupt": [3], "answers": [4]}]}""");
        AssertNames(error, "task.json", "malformed JSON", "clean");
    }

    [Fact]
    public void A_top_level_list_is_rejected_asking_for_an_object_with_prompts()
    {
        var error = Rejected($"[{Ok}]");
        AssertNames(error, "task.json", "top level must be an object", "\"prompts\"", "a list");
    }

    [Fact]
    public void A_file_without_prompts_names_the_missing_field()
    {
        var error = Rejected("""{"seq_labels": ["a"]}""");
        AssertNames(error, "task.json", "missing field 'prompts'");
    }

    [Fact]
    public void Prompts_that_are_not_a_list_name_the_field()
    {
        var error = Rejected("""{"prompts": {"clean": [1]}}""");
        AssertNames(error, "task.json", "field 'prompts'", "expected a list", "an object");
    }

    [Fact]
    public void An_empty_prompt_list_is_an_empty_dataset()
    {
        var error = Rejected("""{"prompts": []}""");
        AssertNames(error, "task.json", "no prompts");
    }

    [Fact]
    public void A_prompt_that_is_not_an_object_names_its_index()
    {
        var error = Rejected($$"""{"prompts": [{{Ok}}, "When Mary and John"]}""");
        AssertNames(error, "task.json", "prompt 1 ", "expected a prompt object", "a string");
    }

    [Fact]
    public void A_missing_corrupt_prompt_names_the_prompt_and_field()
    {
        var error = Rejected($$"""{"prompts": [{{Ok}}, {{Ok}}, {"clean": [1, 2], "answers": [3]}]}""");
        AssertNames(error, "task.json", "prompt 2 ", "missing field 'corrupt'");
    }

    [Fact]
    public void Missing_answers_name_the_prompt_and_field()
    {
        var error = Rejected("""{"prompts": [{"clean": [1, 2], "corrupt": [3, 4]}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "missing field 'answers'");
    }

    [Fact]
    public void A_clean_prompt_that_is_a_number_names_the_type()
    {
        var error = Rejected("""{"prompts": [{"clean": 5, "corrupt": [1], "answers": [2]}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "field 'clean'", "expected a string or a list of token ids", "an integer (5)");
    }

    [Fact]
    public void A_fractional_token_id_names_the_item()
    {
        var error = Rejected("""{"prompts": [{"clean": [1, 2], "corrupt": [1, 2.5], "answers": [2]}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "field 'corrupt'", "item 1", "a number (2.5)", "integer token id");
    }

    [Fact]
    public void Text_for_a_model_without_a_tokenizer_asks_for_token_ids()
    {
        var error = Rejected("""{"prompts": [{"clean": "When Mary", "corrupt": "When John", "answers": [2]}]}""", tokenizer: null);
        AssertNames(error, "task.json", "prompt 0 ", "field 'clean'", "no tokenizer", "token ids");
    }

    [Fact]
    public void Clean_and_corrupted_prompts_of_different_lengths_give_both_lengths()
    {
        var error = Rejected($$"""{"prompts": [{{Ok}}, {"clean": [1, 2, 3], "corrupt": [4, 5], "answers": [6]}]}""");
        AssertNames(error, "task.json", "prompt 1 ", "field 'corrupt'", "has 2 tokens", "clean prompt has 3");
    }

    [Fact]
    public void Text_prompts_that_tokenize_to_different_lengths_give_both_lengths()
    {
        var error = Rejected("""{"prompts": [{"clean": "When Mary and John went", "corrupt": "When Alice went", "answers": [" Mary"]}]}""");
        int clean = Gpt2Tokenizer.Instance.Encode("When Mary and John went").Count;
        int corrupt = Gpt2Tokenizer.Instance.Encode("When Alice went").Count;
        AssertNames(error, "task.json", "prompt 0 ", "field 'corrupt'", $"has {corrupt} tokens", $"clean prompt has {clean}");
    }

    [Fact]
    public void An_answer_of_two_tokens_says_how_many_and_which()
    {
        var tokens = Gpt2Tokenizer.Instance.Encode(" Mary Ann");
        var error = Rejected("""{"prompts": [{"clean": "When Mary", "corrupt": "When John", "answers": [" Mary", " Mary Ann"]}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "field 'answers'", "item 1", "\" Mary Ann\"", "is 2 tokens", $"[{string.Join(", ", tokens)}]", "exactly one");
    }

    [Fact]
    public void A_token_id_outside_the_vocabulary_names_id_index_and_d_vocab()
    {
        var error = Rejected($$"""{"prompts": [{{Ok}}, {"clean": [1, 150], "corrupt": [1, 2], "answers": [3]}]}""", dVocab: 100);
        AssertNames(error, "task.json", "prompt 1 ", "field 'clean'", "token id 150 at index 1", "d_vocab = 100");
    }

    [Fact]
    public void An_answer_id_outside_the_vocabulary_names_the_answer_field()
    {
        var error = Rejected("""{"prompts": [{"clean": [1, 2], "corrupt": [1, 2], "answers": [100]}]}""", dVocab: 100);
        AssertNames(error, "task.json", "prompt 0 ", "field 'answers'", "token id 100 at index 0", "d_vocab = 100");
    }

    [Fact]
    public void A_negative_wrong_answer_id_is_named()
    {
        var error = Rejected("""{"prompts": [{"clean": [1, 2], "corrupt": [1, 2], "answers": [3], "wrong_answers": [4, -3]}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "field 'wrong_answers'", "token id -3 at index 1 is negative");
    }

    [Fact]
    public void An_empty_clean_prompt_is_rejected()
    {
        var error = Rejected("""{"prompts": [{"clean": [], "corrupt": [], "answers": [3]}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "field 'clean'", "empty");
    }

    [Fact]
    public void A_read_position_past_the_end_is_out_of_range()
    {
        var error = Rejected("""{"prompts": [{"clean": [1, 2, 3], "corrupt": [4, 5, 6], "answers": [7], "read_position": 3}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "field 'read_position'", "position 3 is out of range", "3 tokens");
    }

    [Fact]
    public void A_word_idxs_list_of_the_wrong_length_gives_both_counts()
    {
        var error = Rejected($$"""{"prompts": [{{Ok}}, {{Ok}}, {{Ok}}], "word_idxs": {"IO": [0, 1]} }""");
        AssertNames(error, "task.json", "field 'word_idxs.IO'", "2 positions for 3 prompts");
    }

    [Fact]
    public void A_word_idxs_position_past_a_prompts_end_names_the_prompt()
    {
        var error = Rejected($$"""{"prompts": [{{Ok}}, {"clean": [1], "corrupt": [2], "answers": [3]}], "word_idxs": {"S1": 2} }""");
        AssertNames(error, "task.json", "prompt 1 ", "field 'word_idxs.S1'", "position 2 is out of range", "1 tokens");
    }

    [Fact]
    public void A_per_prompt_word_position_out_of_range_names_the_word()
    {
        var error = Rejected("""{"prompts": [{"clean": [1, 2, 3], "corrupt": [4, 5, 6], "answers": [7], "word_positions": {"end": 9}}]}""");
        AssertNames(error, "task.json", "prompt 0 ", "field 'word_positions.end'", "position 9 is out of range");
    }

    [Fact]
    public void Seq_labels_of_the_wrong_length_give_both_lengths()
    {
        var error = Rejected($$"""{"prompts": [{{Ok}}, {{Ok}}], "seq_labels": ["a", "b"]}""");
        AssertNames(error, "task.json", "field 'seq_labels'", "2 labels", "3 tokens");
    }

    [Fact]
    public void A_malformed_json_lines_record_names_its_line()
    {
        var error = Rejected($"{Ok}\n\n{{\"clean\": [1, 2}}\n", "task.jsonl");
        AssertNames(error, "task.jsonl", "malformed JSON", "line 3");
    }

    [Fact]
    public void A_json_lines_record_missing_answers_names_line_and_prompt()
    {
        var error = Rejected($"{Ok}\n\n{Ok}\n{{\"clean\": [1], \"corrupt\": [2]}}\n", "task.jsonl");
        AssertNames(error, "task.jsonl", "line 4 (prompt 2)", "missing field 'answers'");
    }

    [Fact]
    public void A_json_lines_file_of_blank_lines_is_an_empty_dataset()
    {
        var error = Rejected("\n  \n\n", "task.jsonl");
        AssertNames(error, "task.jsonl", "no prompts");
    }

    private static void AssertNames(BadInputException error, params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    private BadInputException Rejected(string content, string fileName = "task.json", int dVocab = Gpt2Tokenizer.GptVocabularySize) =>
        Rejected(content, Gpt2Tokenizer.Instance, fileName, dVocab);

    private BadInputException Rejected(string content, ITokenizer? tokenizer, string fileName = "task.json", int dVocab = Gpt2Tokenizer.GptVocabularySize)
    {
        string path = _folder.File(fileName);
        File.WriteAllText(path, content);
        return Assert.Throws<BadInputException>(() => TaskFileReader.Read(path, tokenizer, dVocab));
    }
}
