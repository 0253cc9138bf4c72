using CircuitFinder.Tasks;

namespace CircuitFinder.Scrubbing.Causal;

/// <summary>The whole prompt: only identical prompts agree (a node that sees its own input unchanged).</summary>
public sealed record PromptFeature : InputFeature
{
    public override string Kind => "prompt";

    public override string Describe() => "prompt";

    protected override string Key(TaskPrompt prompt, TaskDataset dataset) => string.Join(',', prompt.Clean);
}
