namespace CircuitFinder.Model.Hub;

/// <summary>
/// Where the HuggingFace cache is and how to reach the hub, as <c>huggingface_hub</c> reads them from the environment
/// (<see cref="FromEnvironment"/>). Passed explicitly so library callers and tests choose their own cache and endpoint
/// without touching process-wide environment variables.
/// </summary>
public sealed record HubOptions
{
    /// <summary>The default hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The cache folder that holds <c>models--{org}--{name}</c> folders.</summary>
    public required string CacheFolder { get; init; }

    /// <summary>The hub's base address (<c>HF_ENDPOINT</c>), without a trailing slash.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>A token sent as <c>Authorization: Bearer</c> to the endpoint (<c>HF_TOKEN</c>); null sends none.</summary>
    public string? Token { get; init; }

    /// <summary>True when the network must not be used (<c>HF_HUB_OFFLINE=1</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>
    /// The options <c>huggingface_hub</c> would use given <paramref name="environment"/> (a variable's value, or null
    /// when unset): cache <c>HF_HUB_CACHE</c>, else <c>HF_HOME/hub</c>, else <c>XDG_CACHE_HOME/huggingface/hub</c>, else
    /// <c>~/.cache/huggingface/hub</c>; endpoint <c>HF_ENDPOINT</c>; token <c>HF_TOKEN</c>, else the file
    /// <c>HF_TOKEN_PATH</c>, else <c>HF_HOME/token</c>; offline when <c>HF_HUB_OFFLINE</c> is 1, true, yes or on.
    /// </summary>
    public static HubOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value : null;
        string home = Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string hfHome = Get("HF_HOME") ?? Path.Combine(Get("XDG_CACHE_HOME") ?? Path.Combine(home, ".cache"), "huggingface");
        string cache = Get("HF_HUB_CACHE") ?? Get("HUGGINGFACE_HUB_CACHE") ?? Path.Combine(hfHome, "hub");
        string? token = Get("HF_TOKEN") ?? ReadToken(Get("HF_TOKEN_PATH") ?? Path.Combine(hfHome, "token"));
        string offline = (Get("HF_HUB_OFFLINE") ?? string.Empty).Trim().ToUpperInvariant();
        return new HubOptions
        {
            CacheFolder = cache,
            Endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/'),
            Token = token,
            Offline = offline is "1" or "TRUE" or "YES" or "ON",
        };
    }

    /// <summary>The options the real process environment gives.</summary>
    public static HubOptions FromProcessEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    private static string? ReadToken(string path)
    {
        try
        {
            return InputFile.IsRegularFile(path) && InputFile.ReadAllText(path, 4096).Trim() is { Length: > 0 } token ? token : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadInputException)
        {
            return null;
        }
    }
}
