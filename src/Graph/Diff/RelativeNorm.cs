namespace CircuitFinder.Graph.Diff;

/// <summary>The relative size of a difference: over A's size, over B's where A's is 0, and 0 where both are.</summary>
public static class RelativeNorm
{
    public static double Of(double difference, double a, double b) =>
        difference == 0 ? 0 : a > 0 ? difference / a : b > 0 ? difference / b : 0;
}
