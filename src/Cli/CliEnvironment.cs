using CircuitFinder.Model.Hub;

namespace CircuitFinder.Cli;

/// <summary>
/// The environment variables the command reads (the HuggingFace ones: <see cref="HubOptions.FromEnvironment"/>): the
/// process environment, or — inside <see cref="Use"/>, as tests do — a given set that flows with the call and nothing
/// else, so runs in parallel each see their own.
/// </summary>
public static class CliEnvironment
{
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string>?> Override = new();

    /// <summary>A variable's value, or null when it is unset.</summary>
    public static string? Get(string name) =>
        Override.Value is { } given ? given.GetValueOrDefault(name) : Environment.GetEnvironmentVariable(name);

    /// <summary>The hub options the environment gives.</summary>
    public static HubOptions Hub() => HubOptions.FromEnvironment(Get);

    /// <summary>Makes <paramref name="variables"/> the whole environment until the result is disposed.</summary>
    public static IDisposable Use(IReadOnlyDictionary<string, string> variables)
    {
        var previous = Override.Value;
        Override.Value = variables;
        return new Restore(() => Override.Value = previous);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
