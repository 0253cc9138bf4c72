using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Generators;

public sealed class DocstringGeneratorTests
{
    // Produced by this implementation on its first run (GPT-2 tokenizer, count 8, seed 0); guards against silent changes.
    private const string GoldenHash = "28370f5a152b2603beab541e1d9a02d947f8a592a72de33f2ba622886148dd92";

    private static readonly DocstringGenerator Generator = new();

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
    public void The_answer_is_one_token_that_appears_in_the_definition_and_the_corrupted_prompt_has_the_same_length()
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        foreach (var p in Gpt2(30, 1).Prompts)
        {
            var answer = Assert.Single(p.Answers);
            var shown = tokenizer.TokenToString(answer);
            Assert.Equal([answer], tokenizer.Encode(shown));
            Assert.StartsWith(" ", shown, StringComparison.Ordinal);
            Assert.Equal(answer, p.Clean[p.WordPositions["def_c"]]);
            Assert.StartsWith("def ", p.CleanText, StringComparison.Ordinal);
            Assert.Contains(shown + ",", p.CleanText!.Split('\n')[0], StringComparison.Ordinal);
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            Assert.EndsWith("    :param", p.CleanText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_docstring_lists_the_first_two_parameters_and_the_wrong_answers_are_the_other_parameters()
    {
        foreach (var p in Gpt2(30, 2).Prompts)
        {
            var w = p.WordPositions;
            Assert.Equal(p.Clean[w["def_a"]], p.Clean[w["doc_a"]]);
            Assert.Equal(p.Clean[w["def_b"]], p.Clean[w["doc_b"]]);
            Assert.Equal([p.Clean[w["def_a"]], p.Clean[w["def_b"]], p.Clean[w["def_d"]]], p.WrongAnswers);
            Assert.True(w["def_d"] < w["doc_a"] && w["doc_a"] < w["doc_b"] && w["doc_b"] < w["end"]);
        }
    }

    [Fact]
    public void The_random_random_corruption_replaces_the_documented_names_in_definition_and_docstring()
    {
        foreach (var p in Gpt2(30, 3).Prompts)
        {
            var w = p.WordPositions;
            foreach (var key in new[] { "def_a", "def_b", "def_c", "doc_a", "doc_b" })
            {
                Assert.NotEqual(p.Clean[w[key]], p.Corrupt[w[key]]);
                Assert.DoesNotContain(p.Clean[w[key]], p.Corrupt);
            }

            Assert.Equal(p.Clean[w["def_d"]], p.Corrupt[w["def_d"]]);
        }
    }

    [Fact]
    public void Given_a_plain_word_vocabulary_then_the_same_invariants_hold()
    {
        var tokenizer = PlainVocabularies.FromTexts(Gpt2(200, 4));
        var dataset = Generator.Generate(20, 5, tokenizer, tokenizer.VocabularySize);
        Assert.Equal(20, dataset.Prompts.Count);
        Assert.True(dataset.Dropped >= 0);
        Assert.All(dataset.Prompts, p =>
        {
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            Assert.Equal(p.Answers[0], p.Clean[p.WordPositions["def_c"]]);
        });
    }
}
