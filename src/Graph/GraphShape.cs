namespace CircuitFinder.Graph;

/// <summary>
/// What the graph needs to know of a model: its layers, heads per layer, MLP width, whether it has MLPs at all and
/// whether attention and MLP read the same residual stream (GPT-J / GPT-NeoX <c>parallel_attn_mlp</c>).
/// </summary>
public sealed record GraphShape(int NLayers, int NHeads, int DMlp, bool AttnOnly, bool ParallelAttnMlp)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the field when the shape cannot describe a model.</summary>
    public void Validate()
    {
        if (NLayers < 1)
        {
            throw new ArgumentException($"{nameof(NLayers)} must be at least 1, got {NLayers}.", nameof(NLayers));
        }

        if (NHeads < 1)
        {
            throw new ArgumentException($"{nameof(NHeads)} must be at least 1, got {NHeads}.", nameof(NHeads));
        }

        if (!AttnOnly && DMlp < 1)
        {
            throw new ArgumentException($"{nameof(DMlp)} must be at least 1 for a model with MLPs, got {DMlp}.", nameof(DMlp));
        }
    }
}
