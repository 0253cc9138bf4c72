using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Processing;

namespace CircuitFinder.Model.Loading;

/// <summary>How <see cref="ModelLoader"/> loads a model.</summary>
public sealed record LoadOptions
{
    public static LoadOptions Default { get; } = new();

    /// <summary>Weight processing; TransformerLens' <c>from_pretrained</c> defaults unless set.</summary>
    public ProcessingOptions Processing { get; init; } = ProcessingOptions.TransformerLensDefaults;

    /// <summary>One weights file to read when the folder holds several.</summary>
    public string? WeightsFile { get; init; }

    /// <summary>The HuggingFace cache and hub for models given by name; null reads them from the process environment.</summary>
    public HubOptions? Hub { get; init; }

    /// <summary>Whether a model given by name and not cached may be fetched from the hub (otherwise nothing touches the network).</summary>
    public bool Download { get; init; }
}
