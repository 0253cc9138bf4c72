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
}
