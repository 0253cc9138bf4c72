namespace CircuitFinder.Graph.Results;

/// <summary>
/// A circuit against a ground truth at one level (edges or nodes): precision |C ∩ T| / |C|, recall |C ∩ T| / |T|, and
/// the AUROC of the scores as a ranking of truth members over non-members (ties count half; NaN when either class is
/// empty). Counts of true and false positives and negatives are kept for the record.
/// </summary>
public sealed record TruthScores(
    string Level, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives, double Precision, double Recall, double Auroc, bool AurocFromScores);
