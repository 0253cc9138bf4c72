using static TorchSharp.torch;

namespace CircuitFinder.Model.Training;

/// <summary>
/// A tiny IOI-shaped task: <c>&lt;bos&gt;</c>, ten content tokens and a final <c>to</c>. Three content slots (random,
/// in order) hold names: the first two are the indirect object (IO) and the subject (S) in random order, the third
/// repeats S; the other slots are random filler words. The answer, read at the last position, is the IO: the name that
/// appeared once. The same seed gives the same prompts.
/// </summary>
public sealed class ToyIoiTask
{
    public const int Bos = 0;
    public const int ContentLength = 10;

    /// <summary>Prompt length: BOS, the content, and the final <c>to</c>.</summary>
    public const int PromptLength = ContentLength + 2;

    private static readonly string[] Names = ["Mary", "John", "Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi"];

    private static readonly string[] Fillers =
    [
        "the", "a", "went", "store", "then", "gave", "drink", "park", "and", "while",
        "book", "took", "ran", "home", "later", "with", "saw", "big", "red", "of",
    ];

    private readonly Random _random;

    public ToyIoiTask(int seed) => _random = new Random(seed);

    /// <summary>The vocabulary: <c>&lt;bos&gt;</c>, the names, the fillers and <c>to</c>; the index is the id.</summary>
    public static IReadOnlyList<string> Vocabulary { get; } = ["<bos>", .. Names, .. Fillers, "to"];

    public static int FirstName => 1;

    public static int NameCount => Names.Length;

    public static int FirstFiller => 1 + Names.Length;

    public static int EndToken => Vocabulary.Count - 1;

    /// <summary>One prompt's token ids and its answer (the IO's id).</summary>
    public (int[] Tokens, int Answer) NextPrompt()
    {
        var tokens = new int[PromptLength];
        tokens[0] = Bos;
        tokens[^1] = EndToken;
        for (int i = 1; i <= ContentLength; i++)
        {
            tokens[i] = FirstFiller + _random.Next(Fillers.Length);
        }

        int io = FirstName + _random.Next(NameCount);
        int s = FirstName + ((io - FirstName + 1 + _random.Next(NameCount - 1)) % NameCount); // a different name
        var slots = Enumerable.Range(1, ContentLength).OrderBy(_ => _random.Next()).Take(3).Order().ToArray();
        bool ioFirst = _random.Next(2) == 0;
        tokens[slots[0]] = ioFirst ? io : s;
        tokens[slots[1]] = ioFirst ? s : io;
        tokens[slots[2]] = s;
        return (tokens, io);
    }

    /// <summary>A batch: tokens <c>[batch, PromptLength]</c> and answers <c>[batch]</c> (int64).</summary>
    public (Tensor Tokens, Tensor Answers) NextBatch(int batch)
    {
        var flat = new long[batch * PromptLength];
        var answers = new long[batch];
        for (int b = 0; b < batch; b++)
        {
            var (tokens, answer) = NextPrompt();
            for (int p = 0; p < PromptLength; p++)
            {
                flat[(b * PromptLength) + p] = tokens[p];
            }

            answers[b] = answer;
        }

        return (tensor(flat, [batch, PromptLength]), tensor(answers)); // [batch, pos], [batch]
    }

    /// <summary>The share of <paramref name="prompts"/> fresh prompts (seeded) whose top logit at the last position is the IO.</summary>
    public static double Accuracy(HookedTransformer model, int prompts, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (tokens, answers) = new ToyIoiTask(seed).NextBatch(prompts); // [n, p], [n]
        var predicted = model.Forward(tokens).select(1, PromptLength - 1).argmax(-1); // [n]
        return predicted.eq(answers).to(ScalarType.Float64).mean().item<double>();
    }
}
