using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Zoo;

/// <summary>
/// A built-in model of the zoo (<c>zoo:NAME</c>): hand-built ("planted") weights with a known circuit, as tracr and
/// InterpBench build them, or a small model trained by <c>circuitfinder zoo train</c> and shipped in <c>zoo/</c>. Loaded through <see cref="Loading.ModelLoader"/>.
/// </summary>
public interface IZooModel
{
    /// <summary>The name after <c>zoo:</c>, e.g. <c>planted-induction</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>zoo list</c>.</summary>
    string Description { get; }

    /// <summary>The task generator key the model solves, e.g. <c>induction</c>.</summary>
    string TaskName { get; }

    /// <summary>The architecture (the weights <see cref="Create"/> fills in have exactly its shapes).</summary>
    HookedTransformerConfig Config { get; }

    /// <summary>Token strings by id (a plain vocabulary for the model's tokenizer).</summary>
    IReadOnlyList<string> Vocabulary { get; }

    /// <summary>The circuit's edge ids at the q/k/v graph level (<c>input-&gt;a1.h0&lt;q&gt;</c>); empty when unknown.</summary>
    IReadOnlyList<string> GroundTruthEdges { get; }

    /// <summary>Whether <see cref="GroundTruthEdges"/> is known.</summary>
    bool HasGroundTruth { get; }

    /// <summary>Builds the model with its weights (unprocessed); owned by the caller.</summary>
    HookedTransformer Create();
}
