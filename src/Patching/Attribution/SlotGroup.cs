namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// Destination slots <c>[Start, Start + Count)</c> that all read the first <paramref name="Sources"/> source rows:
/// their scores are one product <c>Δ[:Sources] · G[Start:Start+Count]ᵀ</c>.
/// </summary>
internal sealed record SlotGroup(int Start, int Count, int Sources);
