using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using Newtonsoft.Json.Linq;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model;

/// <summary>
/// ARENA's trained balanced-brackets classifier (../shared/realmodels/arena-brackets, not committed): bidirectional,
/// d_vocab_out 2, pad keys masked. Expected numbers come from the folder's README.
/// </summary>
public sealed class ArenaBracketsTests
{
    private const int Start = 0, Pad = 1, End = 2, Open = 3, Close = 4;

    [SkippableFact]
    public void Given_the_first_three_strings_then_position_0_logits_match_the_README_within_1e_3()
    {
        var (model, data) = Load();
        using (model)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (tokens, mask) = Batch(data.Take(3).Select(d => d.Text).ToList());
            var logits = model.Model.Forward(tokens, mask).select(1, 0); // [3, 2]
            var expected = tensor(new float[] { 6.138f, -6.188f, 5.947f, -6.102f, -5.462f, 5.652f }).view(3, 2);
            double diff = (logits - expected).abs().max().item<float>();
            Assert.True(diff < 1e-3, $"max diff {diff}");
        }
    }

    [SkippableFact]
    public void Given_the_first_2000_strings_then_every_one_is_classified_correctly()
    {
        var (model, data) = Load();
        using (model)
        {
            int correct = 0;
            foreach (var chunk in data.Take(2000).Chunk(500))
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var (tokens, mask) = Batch(chunk.Select(d => d.Text).ToList());
                var predicted = model.Model.Forward(tokens, mask).select(1, 0).argmax(-1).data<long>().ToArray();
                correct += chunk.Where((d, i) => (predicted[i] == 1) == d.Balanced).Count();
            }

            Assert.Equal(2000, correct);
        }
    }

    private static (LoadedModel Model, List<(string Text, bool Balanced)> Data) Load()
    {
        string? folder = RealModels.File("arena-brackets");
        Skip.If(folder is null, RealModels.SkipReason);
        var data = JArray.Parse(File.ReadAllText(Path.Combine(folder!, "brackets_data.json")))
            .Take(2000).Select(row => ((string)row[0]!, (bool)row[1]!)).ToList();
        return (ModelLoader.Load(folder!, new LoadOptions { Processing = ProcessingOptions.None }), data);
    }

    private static (Tensor Tokens, Tensor Mask) Batch(IReadOnlyList<string> strings)
    {
        int length = strings.Max(s => s.Length) + 2;
        var ids = new long[strings.Count * length];
        for (int i = 0; i < strings.Count; i++)
        {
            var row = new List<long> { Start };
            row.AddRange(strings[i].Select(c => (long)(c == '(' ? Open : Close)));
            row.Add(End);
            while (row.Count < length)
            {
                row.Add(Pad);
            }

            row.CopyTo(ids, i * length);
        }

        var tokens = tensor(ids).view(strings.Count, length);
        return (tokens, tokens.ne(Pad));
    }
}
