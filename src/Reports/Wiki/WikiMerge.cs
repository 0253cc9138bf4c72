using CircuitFinder.Graph.Heads;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// Joins wiki shards into the family <see cref="WikiSite"/> renders. A single unsharded build goes through the shard
/// format too (<see cref="Single"/>), so it and a merge of shards give the same bytes.
/// </summary>
public static class WikiMerge
{
    /// <summary>The site of one unsharded build: <paramref name="shard"/> written as shard.json and merged alone.</summary>
    public static WikiFamily Single(WikiShard shard) => Merge([(WikiShardFile.ToJson(shard), "(this run)")]);

    /// <summary>
    /// Joins shards (their JSON and the file each came from, for messages): they must describe the same family, and
    /// together cover every entry exactly once; otherwise a <see cref="BadInputException"/> names the file.
    /// </summary>
    public static WikiFamily Merge(IReadOnlyList<(JObject Json, string File)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var parts = shards.Select(s =>
        {
            try
            {
                return (Shard: WikiShardFile.FromJson(s.Json, s.File), s.File);
            }
            catch (InvalidDataException e)
            {
                throw new BadInputException(e.Message, e);
            }
        }).ToList();
        var first = parts[0].Shard;
        foreach (var (part, file) in parts.Skip(1))
        {
            if (part.Count != first.Count || !part.Entries.SequenceEqual(first.Entries) || part.Part.Title != first.Part.Title)
            {
                throw new BadInputException($"{file}: shard of a different family or shard count than {parts[0].File}");
            }
        }

        var duplicate = parts.GroupBy(p => p.Shard.Index).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BadInputException($"{duplicate.Last().File}: shard {duplicate.Key}/{first.Count} is given twice");
        }

        var byName = parts.SelectMany(p => p.Shard.Part.Models).ToDictionary(m => m.Model);
        var missing = first.Entries.FirstOrDefault(e => !byName.ContainsKey(e));
        if (missing is not null)
        {
            var absent = Enumerable.Range(1, first.Count).Where(i => parts.All(p => p.Shard.Index != i));
            throw new BadInputException($"wiki merge: model {missing} is in no shard given (missing shards: {string.Join(", ", absent.Select(i => $"{i}/{first.Count}"))})");
        }

        return first.Part with
        {
            Models = first.Entries.Select(e => byName[e]).ToList(),
            ColumnDescriptions = new SortedDictionary<string, string>(
                parts.SelectMany(p => p.Shard.Part.ColumnDescriptions).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First().Value), StringComparer.Ordinal),
        };
    }
}
