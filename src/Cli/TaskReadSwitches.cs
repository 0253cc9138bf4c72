using System.CommandLine;

namespace CircuitFinder.Cli;

/// <summary>
/// <c>--prepend-bos</c> / <c>--no-prepend-bos</c>, shared by every command that reads a task (discover, verify, detect,
/// task show): whether text prompts in task files get the tokenizer's BOS token. The default prepends, as
/// auto-circuit's loader and TransformerLens' <c>to_tokens</c> do; prompts given as token ids are never changed.
/// </summary>
public sealed class TaskReadSwitches
{
    public Option<bool> Prepend { get; } = new("--prepend-bos") { Description = "Prepend the BOS token to task prompts given as text (the default)" };

    public Option<bool> NoPrepend { get; } = new("--no-prepend-bos") { Description = "Do not prepend the BOS token to task prompts given as text" };

    public void AddTo(Command command)
    {
        command.Add(Prepend);
        command.Add(NoPrepend);
    }

    /// <summary>Whether to prepend BOS; both switches at once are bad input.</summary>
    public bool PrependBos(ParseResult parse)
    {
        if (parse.GetValue(Prepend) && parse.GetValue(NoPrepend))
        {
            throw new BadInputException("--prepend-bos and --no-prepend-bos contradict each other; give one");
        }

        return !parse.GetValue(NoPrepend);
    }
}
