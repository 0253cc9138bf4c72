using System.CommandLine;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;

namespace CircuitFinder.Cli;

/// <summary>
/// The input options of the views (<c>lens</c>, <c>attention</c>): one prompt (<c>--prompt TEXT</c> with BOS unless
/// <c>--no-bos</c>, or <c>--tokens 1,2,3</c>), or a task (<c>--task T</c> with <c>--n</c>, <c>--seed</c> and the BOS switches).
/// </summary>
public sealed class ViewInputs
{
    private readonly int _defaultCount;

    public ViewInputs(int defaultCount) => _defaultCount = defaultCount;

    public Option<string?> Prompt { get; } = new("--prompt", "-p") { Description = "A prompt, tokenized with the model's tokenizer" };

    public Option<string?> Tokens { get; } = new("--tokens", "-t") { Description = "A prompt as comma-separated token ids, e.g. 1,2,3" };

    public Option<bool> NoBos { get; } = new("--no-bos") { Description = "Do not prepend the BOS token to --prompt" };

    public Option<string?> Task { get; } = new("--task") { Description = "A built-in task name or a task file" };

    public Option<int?> Count { get; } = new("--n") { Description = "Prompts to generate for a built-in task, or the first N of a task file" };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for a generated task", DefaultValueFactory = _ => 0 };

    public TaskReadSwitches Bos { get; } = new();

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Prompt, Tokens, NoBos, Task, Count, Seed })
        {
            command.Add(o);
        }

        Bos.AddTo(command);
    }

    /// <summary>Exactly one of --prompt, --tokens, --task, else bad input.</summary>
    public void CheckOne(ParseResult parse)
    {
        int given = new[] { parse.GetValue(Prompt) is not null, parse.GetValue(Tokens) is not null, parse.GetValue(Task) is not null }.Count(b => b);
        if (given != 1)
        {
            throw new BadInputException("give exactly one of --prompt TEXT, --tokens 1,2,3 or --task T");
        }
    }

    /// <summary>Whether a task was given (else one prompt).</summary>
    public bool IsTask(ParseResult parse) => parse.GetValue(Task) is not null;

    /// <summary>The one prompt's token ids, checked against the model.</summary>
    public IReadOnlyList<int> PromptIds(ParseResult parse, LoadedModel loaded)
    {
        List<int> ids;
        if (parse.GetValue(Tokens) is { } text)
        {
            ids = Commands.RunCommand.ParseIds(text);
            TokenizerLoader.CheckIds(ids, loaded.Model.Config.DVocab, "--tokens");
        }
        else
        {
            var tokenizer = loaded.Tokenizer
                ?? throw new BadInputException($"{loaded.Source}: the model has no tokenizer (no vocab.json); give --tokens instead of --prompt");
            ids = [];
            if (!parse.GetValue(NoBos) && tokenizer.BosTokenId is { } bos)
            {
                ids.Add(bos);
            }

            ids.AddRange(tokenizer.Encode(parse.GetValue(Prompt)!));
        }

        if (ids.Count == 0)
        {
            throw new BadInputException("--prompt: the prompt is empty after tokenization");
        }

        if (ids.Count > loaded.Model.Config.NCtx)
        {
            throw new BadInputException($"the prompt has {ids.Count} tokens, more than the model's n_ctx = {loaded.Model.Config.NCtx}");
        }

        return ids;
    }

    /// <summary>The task, resolved as every task-reading command does (<see cref="TaskSource"/>).</summary>
    public TaskDataset Dataset(ParseResult parse, LoadedModel loaded, TextWriter note) =>
        TaskSource.Resolve(parse.GetValue(Task)!, parse.GetValue(Count), _defaultCount, parse.GetValue(Seed), loaded, Bos.PrependBos(parse), note);
}
