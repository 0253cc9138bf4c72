namespace CircuitFinder.Reports;

/// <summary>The task of a report: name, content hash, prompt count and the metric used.</summary>
public sealed record ReportTask(string Name, string ContentHash, int Prompts, string Metric);
