using CircuitFinder.Model;
using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Draws candidate prompts from one seeded <see cref="Random"/> until enough are accepted, counting the candidates a
/// generator rejected (a word that is not a single token, clean and corrupted lengths that differ).
/// </summary>
internal static class CandidateSampler
{
    /// <summary>How many candidates per wanted prompt are tried before giving up.</summary>
    private const int CandidatesPerPrompt = 100;

    /// <summary>
    /// Calls <paramref name="candidate"/> (with the random source and the index the prompt would get) until
    /// <paramref name="count"/> prompts are accepted; a null candidate is dropped and counted.
    /// </summary>
    public static (IReadOnlyList<TaskPrompt> Prompts, int Dropped) Draw(
        string task, ITokenizer tokenizer, int count, Random random, Func<Random, int, TaskPrompt?> candidate)
    {
        RequireCount(task, count);
        var limit = (long)CandidatesPerPrompt * count + 1000;
        var prompts = new List<TaskPrompt>(count);
        var dropped = 0;
        while (prompts.Count < count)
        {
            if (prompts.Count + dropped >= limit)
            {
                throw new BadInputException(
                    $"{task}: only {prompts.Count} of {count} prompts could be made with the '{tokenizer.Name}' tokenizer " +
                    $"after {prompts.Count + dropped} candidates; {dropped} were dropped because a word was not a single " +
                    "token or the clean and corrupted prompts differed in length");
            }

            if (candidate(random, prompts.Count) is { } prompt)
            {
                prompts.Add(prompt);
            }
            else
            {
                dropped++;
            }
        }

        return (prompts, dropped);
    }

    public static void RequireCount(string task, int count)
    {
        if (count < 1)
        {
            throw new BadInputException($"{task}: the prompt count must be at least 1, got {count}");
        }
    }

    public static ITokenizer RequireTokenizer(string task, ITokenizer? tokenizer) =>
        tokenizer ?? throw new BadInputException($"{task}: the task is made from text and needs a tokenizer");

    /// <summary>One element of <paramref name="items"/>, uniformly.</summary>
    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary><paramref name="n"/> distinct elements of <paramref name="items"/>, in random order (partial Fisher–Yates).</summary>
    public static List<T> PickDistinct<T>(Random random, IReadOnlyList<T> items, int n)
    {
        var pool = items.ToList();
        for (var i = 0; i < n; i++)
        {
            var j = random.Next(i, pool.Count);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return pool.GetRange(0, n);
    }
}
