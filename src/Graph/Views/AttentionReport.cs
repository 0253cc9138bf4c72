namespace CircuitFinder.Graph.Views;

/// <summary>
/// Attention patterns of chosen heads on one prompt: <paramref name="Tokens"/> the prompt's token strings, and per head a
/// map of query position × key position (<see cref="ViewMap.Name"/> is the head's label, <c>L1H2</c>) whose rows sum to 1.
/// </summary>
public sealed record AttentionReport(string Model, string Source, IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens, IReadOnlyList<ViewMap> Heads);
