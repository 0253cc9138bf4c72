using CircuitFinder.Model;
using CircuitFinder.Tasks;
using CircuitFinder.Tasks.Files;

namespace CircuitFinder.Detectors.Ioi;

/// <summary>
/// Picks the IOI prompts for the task-based detectors: the task asked for (a built-in key or a task file), else the
/// model's own IOI task (<c>planted-ioi</c>, <c>toy-ioi</c> for those zoo models), else <c>ioi</c> for a GPT-2 tokenizer.
/// Prompts must name the <c>IO</c> and <c>S2</c> (or <c>S</c>) word positions.
/// </summary>
public static class IoiTaskSource
{
    /// <summary>The built-in tasks that are IOI-shaped.</summary>
    public static IReadOnlyList<string> IoiTasks { get; } = ["ioi", "planted-ioi", "toy-ioi"];

    /// <summary>The dataset, or null with the reason it does not apply.</summary>
    public static (TaskDataset? Dataset, string? Reason) Resolve(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.Options;
        int dVocab = context.Model.Config.DVocab;
        string? task = options.IoiTask
            ?? (context.TaskHint is { } hint && IoiTasks.Contains(hint) ? hint : null)
            ?? (context.Tokenizer?.Name is "gpt2" ? "ioi" : null);
        if (task is null)
        {
            return (null, $"no IOI task for {context.Source} (its task is {context.TaskHint ?? "unknown"}; pass --ioi-task)");
        }

        TaskDataset dataset;
        if (File.Exists(task))
        {
            dataset = TaskFileReader.Read(task, context.Tokenizer, dVocab, new TaskReadOptions { PrependBos = options.PrependBos, MaxLength = context.Model.Config.NCtx });
        }
        else if (TaskGeneratorCatalog.TryCreate(task, out var generator))
        {
            dataset = generator!.Generate(options.IoiPrompts, options.Seed, context.Tokenizer, dVocab);
            dataset.EnsureFits(context.Model.Config.NCtx, $"--ioi-task {task}");
        }
        else
        {
            throw new BadInputException($"--ioi-task: '{task}' is neither a task file nor a built-in task (built-in: {string.Join(", ", TaskGeneratorCatalog.Names)})");
        }

        var missing = dataset.Prompts.Select((p, i) => (p, i)).FirstOrDefault(x => !x.p.WordPositions.ContainsKey("IO") || IoiPositions.S(x.p) is null);
        if (missing.p is not null)
        {
            throw new BadInputException($"{task}: prompt {missing.i} has no IO and S2 word positions (word_idxs), which the IOI detectors need");
        }

        return (dataset, null);
    }
}
