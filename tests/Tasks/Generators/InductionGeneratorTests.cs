using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Generators;

public sealed class InductionGeneratorTests
{
    // Produced by this implementation on its first run (no tokenizer, vocabulary 50257, count 8, seed 0); guards
    // against silent changes.
    private const string GoldenHash = "edb4597685b2dfd44eb7c911fcf2596054e2da1ddd53c9b7acae7e1290504b20";

    private static readonly InductionGenerator Generator = new();

    private static TaskDataset Gpt2Sized(int count, int seed) => Generator.Generate(count, seed, null, 50257);

    [Fact]
    public void Given_the_same_count_and_seed_when_generated_twice_then_the_content_hashes_are_equal() =>
        Assert.Equal(Gpt2Sized(16, 7).ContentHash, Gpt2Sized(16, 7).ContentHash);

    [Fact]
    public void Given_another_seed_when_generated_then_the_content_hash_differs() =>
        Assert.NotEqual(Gpt2Sized(16, 7).ContentHash, Gpt2Sized(16, 8).ContentHash);

    [Fact]
    public void Eight_prompts_from_seed_0_with_a_gpt2_sized_vocabulary_have_the_golden_content_hash() =>
        Assert.Equal(GoldenHash, Gpt2Sized(8, 0).ContentHash);

    [Fact]
    public void The_second_half_repeats_the_first_and_the_answer_continues_the_repetition()
    {
        var dataset = Gpt2Sized(20, 1);
        Assert.Equal("logprob", dataset.DefaultMetric);
        Assert.Equal(0, dataset.Dropped);
        foreach (var p in dataset.Prompts)
        {
            Assert.Equal(20, p.Length);
            Assert.Equal(p.Clean.Take(10), p.Clean.Skip(10));
            Assert.Equal(10, p.Clean.Take(10).Distinct().Count());
            Assert.Equal(10, p.WordPositions["first_repeat_start"]);
            Assert.Equal([p.Clean[0]], p.Answers);
            Assert.Equal(19, p.EffectiveReadPosition);
        }
    }

    [Fact]
    public void The_corrupted_prompt_has_the_same_length_and_no_repeated_token()
    {
        foreach (var p in Gpt2Sized(20, 2).Prompts)
        {
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            Assert.Equal(p.Corrupt.Count, p.Corrupt.Distinct().Count());
        }
    }

    [Fact]
    public void Given_a_200_token_vocabulary_and_no_tokenizer_then_ids_stay_in_range_and_no_bos_is_added()
    {
        var dataset = Generator.Generate(30, 3, null, 200);
        Assert.All(dataset.Prompts, p => Assert.All(p.Clean.Concat(p.Corrupt), id => Assert.InRange(id, 1, 199)));
        Assert.Null(dataset.Tokenizer);
    }

    [Fact]
    public void Given_a_plain_vocabulary_with_a_bos_token_then_every_prompt_starts_with_it_and_never_draws_it_again()
    {
        var tokens = new[] { "<pad>", "<bos>" }.Concat(Enumerable.Range(0, 198).Select(i => $"t{i}")).ToList();
        var tokenizer = PlainVocabularyTokenizer.FromTokens(tokens);
        var dataset = Generator.Generate(30, 4, tokenizer, tokenizer.VocabularySize);
        foreach (var p in dataset.Prompts)
        {
            Assert.Equal(21, p.Length);
            Assert.Equal(1, p.Clean[0]);
            Assert.Equal(1, p.Corrupt[0]);
            Assert.DoesNotContain(1, p.Clean.Skip(1).Concat(p.Corrupt.Skip(1)));
            Assert.Equal(11, p.WordPositions["first_repeat_start"]);
            Assert.Equal(p.Clean.Skip(1).Take(10), p.Clean.Skip(11));
        }
    }

    [Fact]
    public void Given_five_tokens_repeated_three_times_then_the_answer_is_the_token_after_the_last_copy()
    {
        var generator = new InductionGenerator(sequenceLength: 5, repeats: 3);
        foreach (var p in generator.Generate(10, 5, null, 200).Prompts)
        {
            Assert.Equal(15, p.Length);
            Assert.Equal(p.Clean.Take(5).Concat(p.Clean.Take(5)).Concat(p.Clean.Take(5)), p.Clean);
            Assert.Equal([p.Clean[15 % 5]], p.Answers);
        }
    }

    [Fact]
    public void Given_a_vocabulary_too_small_for_distinct_ids_then_the_task_is_bad_input() =>
        Assert.Throws<BadInputException>(() => Generator.Generate(4, 0, null, 12));
}
