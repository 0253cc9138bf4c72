using System.Globalization;
using System.Text.RegularExpressions;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Generators;
using Xunit;

namespace CircuitFinder.Tests.Tasks.Generators;

public sealed class GreaterThanGeneratorTests
{
    // Produced by this implementation on its first run (GPT-2 tokenizer, count 8, seed 0); guards against silent changes.
    private const string GoldenHash = "4d4d6f68af3bda17bb857a9ca5d0fd389ff8af984cea3d9fbc74a7cbac9f5094";

    private static readonly GreaterThanGenerator Generator = new();

    private static Gpt2Tokenizer Tokenizer => Gpt2Tokenizer.Instance;

    private static TaskDataset Gpt2(int count, int seed) => Generator.Generate(count, seed, Tokenizer, 0);

    private static int EndingToken(int yy) => Assert.Single(Tokenizer.Encode(yy.ToString("00", CultureInfo.InvariantCulture)));

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
    public void The_answers_are_the_endings_above_the_start_year_and_the_wrong_answers_the_rest_of_00_to_99()
    {
        foreach (var p in Gpt2(40, 1).Prompts)
        {
            var match = Regex.Match(p.CleanText!, @"^The \w+ lasted from the year (\d\d)(\d\d) to the year (\d\d)$");
            Assert.True(match.Success, p.CleanText);
            var yy = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.InRange(yy, 2, 98);
            Assert.Equal(match.Groups[1].Value, match.Groups[3].Value);

            Assert.Equal(Enumerable.Range(yy + 1, 99 - yy).Select(EndingToken), p.Answers);
            Assert.Equal(Enumerable.Range(0, yy + 1).Select(EndingToken), p.WrongAnswers);
            Assert.Equal(Enumerable.Range(0, 100).Select(EndingToken), p.WrongAnswers.Concat(p.Answers));
            Assert.Equal(EndingToken(yy), p.Clean[p.WordPositions["YY"]]);
        }
    }

    [Fact]
    public void The_corrupted_prompt_starts_in_year_xx01_and_differs_only_there()
    {
        foreach (var p in Gpt2(40, 2).Prompts)
        {
            var century = p.CleanText![^2..];
            Assert.Equal(p.CleanText[..^"NNNN to the year NN".Length] + $"{century}01 to the year {century}", p.CorruptText);
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            var yyAt = p.WordPositions["YY"];
            Assert.Equal(EndingToken(1), p.Corrupt[yyAt]);
            Assert.Equal(p.Clean.Where((_, i) => i != yyAt), p.Corrupt.Where((_, i) => i != yyAt));
            Assert.Equal(p.Clean[^1], p.Clean[p.WordPositions["XX1"]]);
            Assert.Equal(Tokenizer.Encode(century), Tokenizer.Encode(Tokenizer.TokenToString(p.Clean[^1]).Trim()));
        }
    }

    [Fact]
    public void Years_that_do_not_tokenize_as_century_then_ending_are_dropped_and_counted()
    {
        var dataset = Gpt2(60, 3);
        Assert.True(dataset.Dropped > 0, "GPT-2 splits years such as 1105 as 110|5 and 1301 as 130|1");
        Assert.Equal(60, dataset.Prompts.Count);
        Assert.Equal("prob-diff", dataset.DefaultMetric);
    }
}
