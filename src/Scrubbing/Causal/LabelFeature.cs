using CircuitFinder.Tasks;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>The task label: the answer tokens.</summary>
public sealed record LabelFeature : InputFeature
{
    public override string Kind => "label";

    public override string Describe() => "label";

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) => string.Join(',', prompt.Answers);
}
