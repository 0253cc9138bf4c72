namespace CircuitFinder.Graph;

/// <summary>How finely a model is cut into nodes and edges.</summary>
public enum GraphLevel
{
    /// <summary>Heads and MLPs; an edge into a head feeds all of its inputs at once.</summary>
    Head,

    /// <summary>Heads and MLPs; an edge into a head names the input it feeds (q, k or v).</summary>
    Qkv,

    /// <summary>Heads with q/k/v inputs separate, and every MLP neuron as its own node.</summary>
    Neuron,
}
