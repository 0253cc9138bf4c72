namespace CircuitFinder.Patching.Discovery;

/// <summary>Maps CLI keys to discovery algorithms.</summary>
public static class DiscoveryCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["acdc", "eap", "eap-ig", "hybrid"];

    public static IDiscoveryAlgorithm Create(string name) => name switch
    {
        "acdc" => new Acdc(),
        "eap" => new EdgeAttributionPatching(integrated: false),
        "eap-ig" => new EdgeAttributionPatching(integrated: true),
        "hybrid" => new HybridDiscovery(),
        _ => throw new ArgumentException($"unknown method '{name}' (expected {string.Join(", ", Names)})"),
    };
}
