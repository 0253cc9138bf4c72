using CircuitFinder.Model.Tokenizers;
using CircuitFinder.Tasks;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// Settings of a <see cref="ModelDiff"/>: how many positions to list and patch on (<see cref="Top"/>), whether a text
/// longer than n_ctx is run in windows (<see cref="Chunk"/>), the tasks to compare the models on, the tokenizer that
/// labels tokens (null: <c>#id</c>), the models' names in the report, and whether to look inside at all.
/// </summary>
public sealed record ModelDiffOptions
{
    public static ModelDiffOptions Default { get; } = new();

    /// <summary>The positions listed where the models differ most, and the positions patched on (where B beats A most).</summary>
    public int Top { get; init; } = 10;

    /// <summary>The neurons listed in the weight diff (heads are all listed).</summary>
    public int TopNeurons { get; init; } = 100;

    /// <summary>
    /// Run a text longer than n_ctx (the smaller model's) in windows of n_ctx tokens that overlap by one token, so that
    /// every token after the first is predicted once; without it such a text is bad input.
    /// </summary>
    public bool Chunk { get; init; }

    /// <summary>Tasks run on both models (prompts tokenized for A; both models must accept their ids).</summary>
    public IReadOnlyList<TaskDataset> Tasks { get; init; } = [];

    /// <summary>Labels tokens and decodes the context of each position; null: token ids.</summary>
    public ITokenizer? Tokenizer { get; init; }

    /// <summary>Model A's name in the report.</summary>
    public string NameA { get; init; } = "A";

    /// <summary>Model B's name in the report.</summary>
    public string NameB { get; init; } = "B";

    /// <summary>Compare weights, activations, attributions and patches where the structures match (else black box only).</summary>
    public bool Inside { get; init; } = true;
}
