using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;

namespace CircuitFinder.Cli;

/// <summary>Resolves <c>--task</c>: a task file path, or a built-in generator name run with <c>--n</c> and <c>--seed</c>.</summary>
public static class TaskSource
{
    public static TaskDataset Resolve(string task, int count, int seed, LoadedModel loaded)
    {
        int dVocab = loaded.Model.Config.DVocab;
        if (File.Exists(task))
        {
            return TaskFileReader.Read(task, loaded.Tokenizer, dVocab);
        }

        if (TaskGeneratorCatalog.TryCreate(task, out var generator))
        {
            if (count <= 0)
            {
                throw new BadInputException($"--n must be positive, got {count}");
            }

            return generator!.Generate(count, seed, loaded.Tokenizer, dVocab);
        }

        throw new BadInputException(
            $"--task: '{task}' is neither a task file nor a built-in task (built-in: {string.Join(", ", TaskGeneratorCatalog.Names)})");
    }
}
