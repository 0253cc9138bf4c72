using TorchSharp;

namespace CircuitFinder.Model;

/// <summary>
/// Scalars that live for the whole process. TorchSharp passes <see cref="Scalar"/> arguments to libtorch by raw handle
/// and frees them in a finalizer, so an implicit temporary (the <c>alpha = 1</c> that <c>add_(Tensor)</c> or
/// <c>add_(Scalar)</c> makes, the exponent of <c>square()</c>) can be finalized by a collection that starts on another thread while libtorch still
/// reads it; hot paths pass these instead.
/// </summary>
public static class Scalars
{
    /// <summary>The scalar 1 (the <c>alpha</c> of an unscaled add or subtract).</summary>
    public static Scalar One { get; } = 1.ToScalar();
}
