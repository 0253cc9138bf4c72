namespace CircuitFinder.Graph.Heads;

/// <summary>A composition score from head <paramref name="Sender"/> into head <paramref name="Receiver"/> (both <c>L{l}H{h}</c>); mode q, k or v.</summary>
public sealed record WikiPair(string Sender, string Receiver, string Mode, double Score);
