namespace CircuitFinder.Detectors;

/// <summary>
/// One kind of head detector: scores every attention head of a model (one or more score columns), e.g. TransformerLens'
/// previous-token pattern, the copying score of the OV circuit, or the IOI name-mover score. Registered by key in
/// <see cref="HeadDetectorCatalog"/>.
/// </summary>
public interface IHeadDetector
{
    /// <summary>The CLI key, e.g. <c>induction</c>.</summary>
    string Name { get; }

    /// <summary>One line for help and the wiki: what is scored, on which inputs.</summary>
    string Description { get; }

    /// <summary>Scores every head of <paramref name="context"/>'s model; a detector that does not apply returns no columns and a note.</summary>
    DetectorResult Run(DetectorContext context);
}
