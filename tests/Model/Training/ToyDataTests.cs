using CircuitFinder.Model.Training;
using Xunit;

namespace CircuitFinder.Tests.Model.Training;

/// <summary>The synthetic data: seeded, in range, and shaped so induction (or the IOI rule) pays.</summary>
public sealed class ToyDataTests
{
    [Fact]
    public void Given_the_same_seed_then_the_corpus_gives_the_same_sequences_starting_with_BOS_and_in_range()
    {
        var a = new ToyCorpus(64, 48, 3);
        var b = new ToyCorpus(64, 48, 3);
        for (int i = 0; i < 20; i++)
        {
            var s = a.NextSequence();
            Assert.Equal(s, b.NextSequence());
            Assert.Equal(ToyCorpus.Bos, s[0]);
            Assert.All(s.Skip(1), t => Assert.InRange(t, 1, 63));
        }
    }

    [Fact]
    public void Given_a_corpus_then_most_sequences_repeat_an_earlier_span_of_at_least_three_tokens()
    {
        var corpus = new ToyCorpus(64, 48, 5);
        int withRepeat = Enumerable.Range(0, 100).Count(_ => HasRepeatedTrigram(corpus.NextSequence()));

        Assert.True(withRepeat >= 80, $"{withRepeat} of 100 sequences repeat a span");
    }

    [Fact]
    public void Given_an_IOI_prompt_then_the_answer_is_the_name_that_appears_once()
    {
        var task = new ToyIoiTask(11);
        for (int i = 0; i < 50; i++)
        {
            var (tokens, answer) = task.NextPrompt();
            var names = tokens.Where(t => t >= ToyIoiTask.FirstName && t < ToyIoiTask.FirstName + ToyIoiTask.NameCount).ToList();
            Assert.Equal(3, names.Count);
            Assert.Single(names, answer);
            Assert.Equal(2, names.Distinct().Count());
            Assert.Equal(ToyIoiTask.EndToken, tokens[^1]);
            Assert.Equal("to", ToyIoiTask.Vocabulary[tokens[^1]]);
        }
    }

    private static bool HasRepeatedTrigram(int[] s)
    {
        var seen = new HashSet<(int, int, int)>();
        for (int i = 1; i + 2 < s.Length; i++)
        {
            if (!seen.Add((s[i], s[i + 1], s[i + 2])))
            {
                return true;
            }
        }

        return false;
    }
}
