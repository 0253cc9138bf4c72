namespace CircuitFinder.Studies;

/// <summary>Marks the assembly (seed studies: one experiment per open problem, with checked claims).</summary>
public static class AssemblyMarker
{
}
