using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Generators;

public sealed class NameCopyGeneratorTests
{
    private static readonly NameCopyGenerator Generator = new();

    private static TaskDataset Gpt2(int count, int seed) => Generator.Generate(count, seed, Gpt2Tokenizer.Instance, 0);

    [Fact]
    public void Given_the_same_count_and_seed_when_generated_twice_then_the_content_hashes_are_equal()
    {
        Assert.Equal(Gpt2(16, 7).ContentHash, Gpt2(16, 7).ContentHash);
        Assert.NotEqual(Gpt2(16, 7).ContentHash, Gpt2(16, 8).ContentHash);
    }

    [Fact]
    public void The_clean_prompt_names_the_answer_once_and_the_corrupted_one_puts_the_wrong_answer_in_its_place()
    {
        foreach (var p in Gpt2(40, 1).Prompts)
        {
            int at = p.WordPositions["name"];
            Assert.Equal(p.Answers, [p.Clean[at]]);
            Assert.Equal(p.WrongAnswers, [p.Corrupt[at]]);
            Assert.NotEqual(p.Answers[0], p.WrongAnswers[0]);
            Assert.Single(p.Clean, t => t == p.Answers[0]);
            Assert.DoesNotContain(p.Answers[0], p.Corrupt);
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            Assert.Equal(p.Clean.Where((_, i) => i != at), p.Corrupt.Where((_, i) => i != at));
            Assert.Equal(p.Clean.Count - 1, p.WordPositions["end"]);
            Assert.Equal(Gpt2Tokenizer.Instance.BosTokenId, p.Clean[0]);
            Assert.EndsWith(" day,", p.CleanText);
            Assert.Equal(p.CleanText, Gpt2Tokenizer.Instance.Decode(p.Clean.Skip(1)));
        }
    }

    [Fact]
    public void Without_BOS_the_prompts_are_the_text_alone()
    {
        var prompt = new NameCopyGenerator(prependBos: false).Generate(1, 0, Gpt2Tokenizer.Instance, 0).Prompts[0];
        Assert.Equal(Gpt2Tokenizer.Instance.Encode(prompt.CleanText!), prompt.Clean);
    }

    [Fact]
    public void A_tokenizer_with_fewer_than_two_single_token_names_is_refused_naming_them()
    {
        var vocabulary = PlainVocabularyTokenizer.FromTokens(["Once", "upon", " Lily", "Lily", ".", ","], "test vocabulary");
        var e = Assert.Throws<BadInputException>(() => Generator.Generate(4, 0, vocabulary, 6));
        Assert.Contains("name-copy", e.Message);
        Assert.Contains("at least two", e.Message);
        Assert.Throws<BadInputException>(() => Generator.Generate(4, 0, null, 6));
    }
}
