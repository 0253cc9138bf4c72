using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;

namespace CircuitFinder.Cli;

/// <summary>
/// Resolves <c>--task</c>: a task file path (its first <c>--n</c> prompts when <c>--n</c> is given, said on stderr), or
/// a built-in generator name run with <c>--n</c> and <c>--seed</c>. Prompts longer than the model's n_ctx are refused.
/// </summary>
public static class TaskSource
{
    /// <summary>
    /// <paramref name="count"/>: <c>--n</c> when the user gave it (null: the file's every prompt, or
    /// <paramref name="defaultCount"/> generated); <paramref name="note"/> receives what was done with it.
    /// </summary>
    public static TaskDataset Resolve(string task, int? count, int defaultCount, int seed, LoadedModel loaded, bool prependBos, TextWriter note)
    {
        int dVocab = loaded.Model.Config.DVocab;
        int nCtx = loaded.Model.Config.NCtx;
        if (count is <= 0)
        {
            throw new BadInputException($"--n must be positive, got {count}");
        }

        if (File.Exists(task))
        {
            var dataset = TaskFileReader.Read(task, loaded.Tokenizer, dVocab, new TaskReadOptions { PrependBos = prependBos, MaxLength = nCtx });
            if (count is { } n)
            {
                note.WriteLine(n < dataset.Prompts.Count
                    ? $"{task}: using the first {n} of its {dataset.Prompts.Count} prompts (--n {n})"
                    : $"{task}: --n {n} asks for more prompts than the file's {dataset.Prompts.Count}; using all of them");
                dataset = dataset.First(n);
            }

            return dataset;
        }

        if (TaskGeneratorCatalog.TryCreate(task, out var generator))
        {
            var generated = generator!.Generate(count ?? defaultCount, seed, loaded.Tokenizer, dVocab);
            generated.EnsureFits(nCtx, $"--task {task}");
            return generated;
        }

        throw new BadInputException(
            $"--task: '{task}' is neither a task file nor a built-in task (built-in: {string.Join(", ", TaskGeneratorCatalog.Names)})");
    }
}
