namespace CircuitFinder.Detectors;

/// <summary>
/// The composition score (Elhage et al. 2021) of head <c>L{SenderLayer}H{SenderHead}</c>'s OV circuit into head
/// <c>L{ReceiverLayer}H{ReceiverHead}</c>'s query, key or value (<paramref name="Mode"/> is <c>q</c>, <c>k</c> or <c>v</c>).
/// </summary>
public sealed record CompositionPair(int SenderLayer, int SenderHead, int ReceiverLayer, int ReceiverHead, string Mode, double Score);
