namespace CircuitFinder.Graph;

/// <summary>
/// A node or edge id that is malformed, or that names nothing in the graph at hand. The message names the id and,
/// where a graph is known, the nearest valid id (<c>did you mean 'a2.h3'?</c>).
/// </summary>
public sealed class GraphIdException : FormatException
{
    /// <summary>Creates the exception for <paramref name="id"/>, saying why it was rejected.</summary>
    public GraphIdException(string id, string reason, string? suggestion = null)
        : base(Describe(id, reason, suggestion))
    {
        Id = id;
        Reason = reason;
        Suggestion = suggestion;
    }

    /// <summary>The rejected id, as given.</summary>
    public string Id { get; }

    /// <summary>Why it was rejected, without the id.</summary>
    public string Reason { get; }

    /// <summary>The nearest valid id of the graph, where a graph was known and one could be found.</summary>
    public string? Suggestion { get; }

    private static string Describe(string id, string reason, string? suggestion) =>
        $"'{id}': {reason}" + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?");
}
