namespace CircuitFinder.Graph.Views;

/// <summary>
/// What the explorable circuit report shows for a node, tensor-free: the token strings of a few of the task's
/// <paramref name="Prompts"/> (clean), each chosen head's attention pattern on each of them (<paramref name="Patterns"/>,
/// keyed by the node id, one query × key map per prompt), and each head's and MLP's direct logit attribution to
/// <paramref name="AttributionTarget"/> averaged over the task (<paramref name="Attribution"/>, keyed by node id; null where
/// the model's residual stream does not decompose linearly, <paramref name="Note"/> then says why).
/// </summary>
public sealed record NodeViews(
    IReadOnlyList<IReadOnlyList<string>> Prompts,
    IReadOnlyDictionary<string, IReadOnlyList<ViewMap>> Patterns,
    IReadOnlyDictionary<string, double>? Attribution,
    string? AttributionTarget,
    string? Note = null);
