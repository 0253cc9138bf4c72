namespace CircuitFinder.Detectors;

/// <summary>Runs detectors on one model and assembles its <see cref="HeadTable"/> with category labels (<see cref="HeadCategories"/>).</summary>
public static class HeadScan
{
    public static HeadTable Run(DetectorContext context, IReadOnlyList<IHeadDetector> detectors, IProgress<(string Step, double Fraction)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(detectors);
        var results = new List<DetectorResult>();
        for (int i = 0; i < detectors.Count; i++)
        {
            progress?.Report((detectors[i].Name, (double)i / detectors.Count));
            results.Add(detectors[i].Run(context));
        }

        progress?.Report(("done", 1.0));
        var columns = results.SelectMany(r => r.Columns).ToList();
        var duplicate = columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BadInputException($"two detectors both produce the score '{duplicate.Key}'");
        }

        int heads = context.NHeads, count = context.NLayers * heads;
        var labels = Enumerable.Range(0, count)
            .Select(i => HeadCategories.Labels(name => columns.FirstOrDefault(c => c.Name == name)?.Values[i]))
            .ToList();
        return new HeadTable
        {
            Model = context.Source,
            NLayers = context.NLayers,
            NHeads = heads,
            Columns = columns,
            Labels = labels,
            Pairs = results.SelectMany(r => r.Pairs).ToList(),
            Baselines = results.SelectMany(r => r.Baselines).ToDictionary(b => b.Key, b => b.Value),
            Notes = results.SelectMany(r => r.Notes).ToList(),
            ColumnDescriptions = detectors.Zip(results).SelectMany(x => x.Second.Columns.Select(c => (c.Name, x.First.Description)))
                .ToDictionary(x => x.Name, x => x.Description),
            Examples = results.SelectMany(r => r.Examples).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.First().Value),
        };
    }
}
