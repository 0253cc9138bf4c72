namespace CircuitFinder.Patching.Discovery;

/// <summary>A circuit discovery algorithm (<c>acdc</c>, <c>eap</c>, <c>eap-ig</c>, <c>hybrid</c>).</summary>
public interface IDiscoveryAlgorithm
{
    string Name { get; }

    /// <summary>How it selects its circuit, whether it checkpoints, its default metric and the tuning options it reads.</summary>
    DiscoveryTraits Traits { get; }

    /// <summary>Finds a circuit; reports edges tested, edges to test and the current circuit size through <paramref name="progress"/>.</summary>
    DiscoveryResult Discover(DiscoveryContext context, IProgress<DiscoveryProgress>? progress = null);
}
