using CircuitFinder.Tasks;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>
/// A feature of the input that a hypothesis claims a node's output (as one of its readers uses it) depends on. Two
/// prompts agree on the feature when their <see cref="Keys"/> are equal; causal scrubbing resamples among agreeing
/// prompts. Kinds: <c>anything</c>, <c>token</c> (the tokens at one or more positions), <c>label</c> (the task's
/// answer tokens), <c>equal</c> (whether the tokens at two positions are equal), <c>prompt</c> (the whole prompt).
/// </summary>
public abstract record InputFeature
{
    /// <summary>The kinds a hypothesis file may name.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["anything", "token", "label", "equal", "prompt"];

    /// <summary>The kind, as written in hypothesis files.</summary>
    public abstract string Kind { get; }

    /// <summary>A stable description, e.g. <c>token@S2</c>; also the cache key of the node-level approximation.</summary>
    public abstract string Describe();

    /// <summary>Per prompt, the value that agreeing prompts share.</summary>
    public string[] Keys(TaskDataset dataset) => dataset.Prompts.Select(p => Key(p, dataset)).ToArray();

    /// <summary>Why the feature cannot be computed on <paramref name="dataset"/> (unknown position label ...), or null.</summary>
    public virtual string? Problem(TaskDataset dataset) => null;

    protected abstract string Key(TaskPrompt prompt, TaskDataset dataset);
}
