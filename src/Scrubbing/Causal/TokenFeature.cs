using CircuitFinder.Tasks;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>The tokens at the given positions (labels resolved per prompt).</summary>
public sealed record TokenFeature(IReadOnlyList<PositionRef> Positions) : InputFeature
{
    public override string Kind => "token";

    public override string Describe() => $"token@{string.Join('+', Positions)}";

    public override string? Problem(TaskDataset dataset) => Positions.Select(p => p.Problem(dataset)).FirstOrDefault(p => p is not null);

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) =>
        string.Join(',', Positions.Select(p => prompt.Clean[p.Resolve(prompt, dataset)]));
}
