namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Words for the docstring task, written for CircuitFinder in the manner of Heimersheim and Janiak 2023 (common short
/// Python identifiers for names, common nouns for descriptions). All are one GPT-2 token with a leading space
/// (checked with the GPT-2 tokenizer when the lists were written); the two lists share no word.
/// </summary>
internal static class DocstringWords
{
    /// <summary>Function and parameter names.</summary>
    public static readonly IReadOnlyList<string> Identifiers =
    [
        "data", "name", "file", "value", "key", "path", "size", "count", "index", "item", "node", "text", "line",
        "user", "model", "mode", "port", "host", "state", "label", "query", "token", "shape", "target", "result",
        "output", "input", "config", "options", "message", "error", "status", "field", "group", "image", "score",
        "title", "url", "date", "time", "limit", "offset", "level", "width", "height", "color", "weight", "parent",
        "child", "root", "prefix", "suffix", "buffer", "stream", "handler", "context", "session", "request",
        "response", "client", "server", "filename", "content", "format", "length", "number", "start", "end", "seed",
        "batch", "epoch", "layer", "block", "frame", "matrix", "vector", "axis", "dim", "scale", "alpha", "beta",
        "threshold", "debug", "timeout", "callback", "entry", "row", "col", "column", "cell", "job", "queue",
        "cache", "lock", "flag", "mask", "bias",
    ];

    /// <summary>Words of the function description and the parameter descriptions.</summary>
    public static readonly IReadOnlyList<string> Nouns =
    [
        "price", "control", "cost", "issue", "process", "position", "course", "education", "research", "subject",
        "age", "force", "matter", "health", "street", "class", "mind", "paper", "bank", "section", "activity",
        "building", "sense", "team", "student", "language", "town", "plan", "product", "practice", "evidence",
        "ground", "letter", "game", "food", "union", "role", "land", "art", "support", "range", "stage", "trade",
        "voice", "club", "history", "account", "material", "care", "project", "example", "training", "window", "air",
        "light", "quality", "rule", "story", "tax", "worker", "nature", "method", "unit", "detail", "wall",
        "computer", "amount", "property", "board", "king", "production", "operation", "share", "contract",
        "picture", "security", "election", "future", "site", "loss", "shop", "animal", "heart", "purpose",
        "standard", "doctor", "music", "charge", "pattern", "design", "piece",
    ];
}
