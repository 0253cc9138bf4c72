namespace CircuitFinder.Graph;

/// <summary>What a node of the computational graph stands for.</summary>
public enum NodeKind
{
    /// <summary>Token plus position embeddings (<c>input</c>).</summary>
    Input,

    /// <summary>One attention head (<c>a{l}.h{h}</c>).</summary>
    AttentionHead,

    /// <summary>A whole MLP layer (<c>m{l}</c>).</summary>
    Mlp,

    /// <summary>One MLP neuron (<c>m{l}.n{i}</c>), at <see cref="GraphLevel.Neuron"/>.</summary>
    Neuron,

    /// <summary>The unembedding input (<c>logits</c>).</summary>
    Logits,
}
