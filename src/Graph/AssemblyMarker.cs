namespace CircuitFinder.Graph;

/// <summary>Marks the assembly; this layer is filled by a later issue.</summary>
public static class AssemblyMarker
{
}
