namespace CircuitFinder.Scrubbing;

/// <summary>Marks the assembly (architecture tests name it).</summary>
public static class AssemblyMarker
{
}
