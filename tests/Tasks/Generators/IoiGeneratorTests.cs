using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Generators;

public sealed class IoiGeneratorTests
{
    // Produced by this implementation on its first run (GPT-2 tokenizer, count 8, seed 0); guards against silent changes.
    private const string GoldenHash = "41e98019dfc337d7820c4adf8bb69293d0ed574471158e8dd1accb221f24fd7e";

    private static readonly IoiGenerator Generator = new();

    private static TaskDataset Gpt2(int count, int seed) => Generator.Generate(count, seed, Gpt2Tokenizer.Instance, 0);

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
    public void In_every_clean_prompt_the_subject_occurs_twice_and_the_indirect_object_once()
    {
        foreach (var p in Gpt2(40, 1).Prompts)
        {
            var (io, s1, s2) = (p.WordPositions["IO"], p.WordPositions["S1"], p.WordPositions["S2"]);
            Assert.Equal(p.Answers, [p.Clean[io]]);
            Assert.Equal(p.WrongAnswers, [p.Clean[s1]]);
            Assert.Equal(p.Clean[s1], p.Clean[s2]);
            Assert.NotEqual(p.Clean[io], p.Clean[s1]);
            Assert.Single(p.Clean, t => t == p.Clean[io]);
            Assert.Equal(2, p.Clean.Count(t => t == p.Clean[s1]));
            Assert.True(s1 < s2 && io < s2, "S2 comes after the first clause");
            Assert.Equal(p.Clean.Count - 1, p.WordPositions["end"]);
        }
    }

    [Fact]
    public void The_corrupted_prompt_has_three_distinct_names_at_the_recorded_positions_and_the_same_length()
    {
        foreach (var p in Gpt2(40, 2).Prompts)
        {
            var (io, s1, s2) = (p.WordPositions["IO"], p.WordPositions["S1"], p.WordPositions["S2"]);
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            Assert.Equal(3, new[] { p.Corrupt[io], p.Corrupt[s1], p.Corrupt[s2] }.Distinct().Count());
            Assert.Equal(p.Clean[io], p.Corrupt[io]);
            Assert.Equal(p.Clean[s1], p.Corrupt[s1]);
            Assert.Equal(
                Enumerable.Range(0, p.Length).Where(i => i != s2),
                Enumerable.Range(0, p.Length).Where(i => p.Clean[i] == p.Corrupt[i]));
        }
    }

    [Fact]
    public void The_recorded_positions_point_at_the_names_in_the_texts()
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        foreach (var p in Gpt2(20, 3).Prompts)
        {
            foreach (var key in new[] { "IO", "S1", "S2" })
            {
                var name = tokenizer.TokenToString(p.Clean[p.WordPositions[key]]);
                Assert.Matches("^ [A-Z][a-z]+$", name);
                Assert.Contains(name, p.CleanText, StringComparison.Ordinal);
            }

            Assert.Equal(p.CleanText, tokenizer.Decode(p.Clean));
            Assert.Equal(p.CorruptText, tokenizer.Decode(p.Corrupt));
            Assert.EndsWith(" to", p.CleanText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Both_the_abba_and_the_baba_forms_occur()
    {
        var prompts = Gpt2(8, 0).Prompts;
        Assert.Contains(prompts, p => p.WordPositions["IO"] < p.WordPositions["S1"]);
        Assert.Contains(prompts, p => p.WordPositions["S1"] < p.WordPositions["IO"]);
    }

    [Fact]
    public void With_gpt2_the_dropped_count_is_reported_and_the_metric_is_the_logit_difference()
    {
        var dataset = Gpt2(8, 0);
        Assert.True(dataset.Dropped >= 0);
        Assert.Equal("logit-diff", dataset.DefaultMetric);
        Assert.Equal("gpt2", dataset.Tokenizer);
        Assert.Equal(8, dataset.Prompts.Count);
    }

    [Fact]
    public void Given_a_vocabulary_lacking_the_names_that_begin_with_j_then_prompts_using_them_are_dropped_and_counted()
    {
        var tokenizer = PlainVocabularies.FromTexts(Gpt2(400, 4), leaveOut: w => w.StartsWith('J'));
        var dataset = Generator.Generate(30, 5, tokenizer, tokenizer.VocabularySize);

        Assert.True(dataset.Dropped > 0, $"dropped {dataset.Dropped}");
        Assert.Equal(30, dataset.Prompts.Count);
        Assert.All(dataset.Prompts, p => Assert.DoesNotMatch(@"\bJ", p.CleanText + p.CorruptText));
        Assert.All(dataset.Prompts, p => Assert.Equal(p.Clean.Count, p.Corrupt.Count));
    }

    [Fact]
    public void Without_a_tokenizer_the_task_is_bad_input() =>
        Assert.Throws<BadInputException>(() => Generator.Generate(8, 0, null, 50257));
}
