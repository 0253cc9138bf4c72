namespace CircuitFinder.Patching.Attribution;

/// <summary>
/// Destination slots <c>[Start, Start + Count)</c> that all read the first <paramref name="Sources"/> source rows:
/// their scores are one product <c>Δ[:Sources] · G[Start:Start+Count]ᵀ</c>. At neuron level they also read the
/// neurons of the <paramref name="NeuronLayers"/> layers below them.
/// </summary>
internal sealed record SlotGroup(int Start, int Count, int Sources, int NeuronLayers = 0);
