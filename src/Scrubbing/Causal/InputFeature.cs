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

/// <summary>Claims nothing: every prompt agrees.</summary>
public sealed record AnythingFeature : InputFeature
{
    public override string Kind => "anything";

    public override string Describe() => "anything";

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) => string.Empty;
}

/// <summary>The tokens at the given positions (labels resolved per prompt).</summary>
public sealed record TokenFeature(IReadOnlyList<PositionRef> Positions) : InputFeature
{
    public override string Kind => "token";

    public override string Describe() => $"token@{string.Join('+', Positions)}";

    public override string? Problem(TaskDataset dataset) => Positions.Select(p => p.Problem(dataset)).FirstOrDefault(p => p is not null);

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) =>
        string.Join(',', Positions.Select(p => prompt.Clean[p.Resolve(prompt, dataset)]));
}

/// <summary>The task label: the answer tokens.</summary>
public sealed record LabelFeature : InputFeature
{
    public override string Kind => "label";

    public override string Describe() => "label";

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) => string.Join(',', prompt.Answers);
}

/// <summary>Whether the tokens at two positions are equal.</summary>
public sealed record EqualFeature(PositionRef First, PositionRef Second) : InputFeature
{
    public override string Kind => "equal";

    public override string Describe() => $"equal@{First}={Second}";

    public override string? Problem(TaskDataset dataset) => First.Problem(dataset) ?? Second.Problem(dataset);

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) =>
        prompt.Clean[First.Resolve(prompt, dataset)] == prompt.Clean[Second.Resolve(prompt, dataset)] ? "1" : "0";
}

/// <summary>The whole prompt: only identical prompts agree (a node that sees its own input unchanged).</summary>
public sealed record PromptFeature : InputFeature
{
    public override string Kind => "prompt";

    public override string Describe() => "prompt";

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) => string.Join(',', prompt.Clean);
}
