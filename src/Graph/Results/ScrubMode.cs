namespace CircuitFinder.Graph.Results;

/// <summary>How causal scrubbing evaluates a hypothesis.</summary>
public enum ScrubMode
{
    /// <summary>
    /// Chan et al.'s treeified evaluation: every path through the hypothesis gets its own resampled prompts, each
    /// parent's prompt agreeing on the edge's feature with the prompt its child runs on.
    /// </summary>
    Tree,

    /// <summary>
    /// The node-level approximation: each (node, feature) is computed once per draw, on a prompt that agrees with the
    /// original prompt on the feature, and shared by every reader.
    /// </summary>
    Node,
}
