using CircuitFinder.Tasks;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>Claims nothing: every prompt agrees.</summary>
public sealed record AnythingFeature : InputFeature
{
    public override string Kind => "anything";

    public override string Describe() => "anything";

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) => string.Empty;
}
