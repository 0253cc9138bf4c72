namespace CircuitFinder.Reports.Verification;

/// <summary>Precision, recall and AUROC against a ground truth at one level (<c>edge</c> or <c>node</c>), with the confusion counts.</summary>
public sealed record TruthSummary(
    string Level, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives, double Precision, double Recall, double Auroc, bool AurocFromScores);
