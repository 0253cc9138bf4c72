using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace CircuitFinder.Model.Hub;

/// <summary>
/// A model named as on the hub, <c>NAME[@REVISION]</c>: <see cref="RepoId"/> is a hub id (<c>gpt2</c>,
/// <c>EleutherAI/pythia-70m</c>) or the hub id a TransformerLens name stands for (<c>gpt2-small</c> → <c>gpt2</c>);
/// <see cref="Revision"/> a branch, tag or 40-hex commit (default <c>main</c>). <see cref="Spec"/> is what was written.
/// </summary>
public sealed partial record HubReference(string Spec, string RepoId, string Revision)
{
    public const string DefaultRevision = "main";

    /// <summary>True when the revision is a commit hash (40 hex digits), which names a snapshot directly.</summary>
    public bool IsCommit => CommitPattern().IsMatch(Revision);

    /// <summary>The repo id and revision as <c>repo@revision</c>.</summary>
    public override string ToString() => $"{RepoId}@{Revision}";

    /// <summary>
    /// Reads <paramref name="spec"/> when it is shaped like a model name (at most one <c>/</c>, no leading dot or slash):
    /// false for anything that can only be a path. A malformed revision is a <see cref="BadInputException"/>.
    /// </summary>
    public static bool TryParse(string spec, [NotNullWhen(true)] out HubReference? reference)
    {
        ArgumentNullException.ThrowIfNull(spec);
        reference = null;
        int at = spec.IndexOf('@', StringComparison.Ordinal);
        string name = at < 0 ? spec : spec[..at];
        string revision = at < 0 ? DefaultRevision : spec[(at + 1)..];
        if (!TransformerLensNames.TryGetHubId(name, out string? repoId))
        {
            if (!RepoIdPattern().IsMatch(name))
            {
                return false;
            }

            repoId = name;
        }

        if (!RevisionPattern().IsMatch(revision) || revision.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new BadInputException($"{spec}: '{revision}' is not a revision (a branch, tag or commit: letters, digits, '.', '_', '-', '/')");
        }

        reference = new HubReference(spec, repoId, revision);
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, but a spec that is not a name is a <see cref="BadInputException"/> beginning with <paramref name="where"/>.</summary>
    public static HubReference Parse(string spec, string where) =>
        TryParse(spec, out var reference) ? reference : throw new BadInputException($"{where}: '{spec}' is not a model name (NAME or ORG/NAME, optionally @REVISION)");

    /// <summary>The same repo at another revision.</summary>
    public HubReference At(string revision) => Parse($"{RepoId}@{revision}", Spec);

    [GeneratedRegex("^[0-9a-f]{40}$")]
    internal static partial Regex CommitPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepoIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._/-]+$")]
    private static partial Regex RevisionPattern();
}
