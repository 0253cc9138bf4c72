using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Generators;

public sealed class AcronymGeneratorTests
{
    // Produced by this implementation on its first run (GPT-2 tokenizer, count 8, seed 0); guards against silent changes.
    private const string GoldenHash = "960e1135ce2c302a1c268c79538612ece29ad501935699ad55e9a41f0188bf9d";

    private static readonly AcronymGenerator Generator = new();

    private static Gpt2Tokenizer Tokenizer => Gpt2Tokenizer.Instance;

    private static TaskDataset Gpt2(int count, int seed) => Generator.Generate(count, seed, Tokenizer, 0);

    [Fact]
    public void Given_the_same_count_and_seed_when_generated_twice_then_the_content_hashes_are_equal() =>
        Assert.Equal(Gpt2(16, 7).ContentHash, Gpt2(16, 7).ContentHash);

    [Fact]
    public void Given_another_seed_when_generated_then_the_content_hash_differs() =>
        Assert.NotEqual(Gpt2(16, 7).ContentHash, Gpt2(16, 8).ContentHash);

    [Fact]
    public void Eight_prompts_from_seed_0_with_gpt2_have_the_golden_content_hash() =>
        Assert.Equal(GoldenHash, Gpt2(8, 0).ContentHash);

    [Fact]
    public void The_answer_is_the_one_token_initial_of_the_second_name_and_the_wrong_answers_the_other_capitals()
    {
        foreach (var p in Gpt2(30, 1).Prompts)
        {
            var answer = Assert.Single(p.Answers);
            var letter = Tokenizer.TokenToString(answer);
            Assert.Equal(Tokenizer.TokenToString(p.Clean[p.WordPositions["V1"]])[1].ToString(), letter);
            Assert.Equal([answer], Tokenizer.Encode(letter));
            Assert.Equal(25, p.WrongAnswers.Count);
            Assert.Equal(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ".Replace(letter, string.Empty, StringComparison.Ordinal),
                string.Concat(p.WrongAnswers.Select(Tokenizer.TokenToString)));
            Assert.EndsWith(" (", p.CleanText, StringComparison.Ordinal);
            Assert.Equal(p.CleanText, Tokenizer.Decode(p.Clean));
        }
    }

    [Fact]
    public void The_first_name_is_followed_by_its_acronym_and_all_six_initials_differ()
    {
        foreach (var p in Gpt2(30, 2).Prompts)
        {
            var initials = new[] { "W1", "W2", "W3", "V1", "V2", "V3" }
                .Select(k => Tokenizer.TokenToString(p.Clean[p.WordPositions[k]])[1]).ToList();
            Assert.Equal(6, initials.Distinct().Count());
            Assert.Contains($" ({string.Concat(initials.Take(3))}) and the ", p.CleanText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_corrupted_prompt_has_the_same_length_and_another_first_word_with_another_initial()
    {
        foreach (var p in Gpt2(30, 3).Prompts)
        {
            var v1 = p.WordPositions["V1"];
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            Assert.Equal(p.Clean.Where((_, i) => i != v1), p.Corrupt.Where((_, i) => i != v1));
            Assert.NotEqual(Tokenizer.TokenToString(p.Clean[v1])[1], Tokenizer.TokenToString(p.Corrupt[v1])[1]);
            Assert.Equal(p.CorruptText, Tokenizer.Decode(p.Corrupt));
        }
    }

    [Fact]
    public void With_gpt2_the_dropped_count_is_reported_and_the_metric_is_the_logit_difference()
    {
        var dataset = Gpt2(8, 0);
        Assert.True(dataset.Dropped >= 0);
        Assert.Equal("logit-diff", dataset.DefaultMetric);
    }
}
