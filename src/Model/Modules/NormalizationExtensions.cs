using static TorchSharp.torch;

namespace CircuitFinder.Model.Modules;

/// <summary>Applying a normalization a model may not have (<c>normalization_type</c> None leaves it null).</summary>
public static class NormalizationExtensions
{
    /// <summary><paramref name="x"/> normalized by <paramref name="ln"/>, or <paramref name="x"/> itself when there is none.</summary>
    public static Tensor ApplyTo(this Normalization? ln, Tensor x) => ln is null ? x : ln.forward(x);
}
