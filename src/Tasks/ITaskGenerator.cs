using CircuitFinder.Model.Tokenizers;

namespace CircuitFinder.Tasks;

/// <summary>A built-in, seeded, deterministic task generator (<c>ioi</c>, <c>greater-than</c>, <c>induction</c>, ...).</summary>
public interface ITaskGenerator
{
    /// <summary>The CLI key.</summary>
    string Name { get; }

    /// <summary>One line for <c>task list</c> and help.</summary>
    string Description { get; }

    /// <summary>
    /// Generates <paramref name="count"/> prompts with <paramref name="seed"/>. Text generators tokenize with
    /// <paramref name="tokenizer"/> (and drop, counting them, candidates that break single-token constraints); token
    /// generators (induction) draw ids below <paramref name="vocabularySize"/>.
    /// </summary>
    TaskDataset Generate(int count, int seed, ITokenizer? tokenizer, int vocabularySize);
}
