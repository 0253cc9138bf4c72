namespace CircuitFinder.Detectors;

/// <summary>Marks the assembly (head detectors, composition and copying scores, the head-category wiki's data).</summary>
public static class AssemblyMarker
{
}
