namespace CircuitFinder.Model.Config;

/// <summary>TransformerLens' <c>positional_embedding_type</c>.</summary>
public enum PositionalEmbeddingType
{
    /// <summary>Learned positions added to the residual stream.</summary>
    Standard,

    /// <summary>Learned positions added to the query and key inputs after <c>ln1</c>, never to the residual stream.</summary>
    Shortformer,

    /// <summary>Rotary embeddings on queries and keys.</summary>
    Rotary,
}
