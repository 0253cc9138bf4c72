namespace CircuitFinder.Graph;

/// <summary>Marks the assembly (the layering test finds CircuitFinder.Graph through it).</summary>
public static class AssemblyMarker
{
}
