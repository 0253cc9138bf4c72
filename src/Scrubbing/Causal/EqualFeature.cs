using CircuitFinder.Tasks;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>Whether the tokens at two positions are equal.</summary>
public sealed record EqualFeature(PositionRef First, PositionRef Second) : InputFeature
{
    public override string Kind => "equal";

    public override string Describe() => $"equal@{First}={Second}";

    public override string? Problem(TaskDataset dataset) => First.Problem(dataset) ?? Second.Problem(dataset);

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) =>
        prompt.Clean[First.Resolve(prompt, dataset)] == prompt.Clean[Second.Resolve(prompt, dataset)] ? "1" : "0";
}
