using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using CircuitFinder.Model.Tokenizers;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Architectures;

/// <summary>
/// Karpathy's stories260K (a pretrained Llama with grouped-query attention, from ../shared/realmodels): its reference
/// logits, its published greedy sample and its tokenizer. Reported as skipped, with the reason, where the real models are absent.
/// </summary>
public sealed class Stories260kTests
{
    private readonly ITestOutputHelper _output;

    public Stories260kTests(ITestOutputHelper output) => _output = output;

    [SkippableFact]
    public void Given_stories260k_when_run_unprocessed_then_logits_match_the_reference_within_1e_4()
    {
        string folder = Folder();

        using var expected = new FixtureExpectations(folder);
        using var loaded = ModelLoader.Load(folder, new LoadOptions { Processing = ProcessingOptions.None });
        Assert.Equal("huggingface-llama", loaded.Layout);
        Assert.Equal(4, loaded.Model.Config.NKeyValueHeads);
        Assert.Equal([4L, 64, 8], loaded.Model.Blocks[0].Attn._W_K.shape); // grouped, never repeated
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        ReferenceFixtureTests.AssertClose("logits", expected.Tensors["logits"], loaded.Model.Forward(expected.Tokens), expected.Atol);
    }

    [SkippableFact]
    public void Given_stories260k_when_weights_are_processed_then_log_probabilities_stay_within_1e_4()
    {
        string folder = Folder();

        using var expected = new FixtureExpectations(folder);
        using var processed = ModelLoader.Load(folder);
        Assert.Equal(CircuitFinder.Model.Config.NormalizationType.RMSPre, processed.Model.Config.NormalizationType);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = expected.Tensors["logits"].log_softmax(-1);
        var b = processed.Model.Forward(expected.Tokens).log_softmax(-1);
        double diff = (a - b).abs().max().item<float>();
        Assert.True(diff <= 1e-4, $"processing moved a log-probability by {diff:E2}");
    }

    [SkippableFact]
    public void Given_stories260k_when_decoding_greedily_from_BOS_then_the_published_sample_comes_back_token_for_token()
    {
        string folder = Folder();

        var json = JObject.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var reference = ((JArray)json["greedy_from_bos"]!).Select(t => (int)t).ToList();
        using var loaded = ModelLoader.Load(folder);
        var tokenizer = Assert.IsType<ScoredPieceTokenizer>(loaded.Tokenizer);
        Assert.Equal(reference[0], tokenizer.BosTokenId);
        var generated = GreedyDecoding.Generate(loaded.Model, [reference[0]], reference.Count - 1);
        Assert.Equal(reference, generated);
        string text = tokenizer.Decode(generated);
        _output.WriteLine(text);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", text);
        Assert.Equal(((string)json["greedy_text"]!).TrimStart(' '), text);
    }

    [SkippableFact]
    public void Given_the_sample_text_when_tokenized_with_the_scored_pieces_then_the_same_ids_come_back()
    {
        string folder = Folder();

        var json = JObject.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")));
        var reference = ((JArray)json["greedy_from_bos"]!).Select(t => (int)t).ToList();
        var tokenizer = ScoredPieceTokenizer.Load(Path.Combine(folder, "tokenizer_vocab.json"));
        string text = (string)json["greedy_text"]!;
        Assert.Equal(reference.Skip(1), tokenizer.Encode(text));
        Assert.Equal(reference.Skip(1), tokenizer.Encode(text.TrimStart(' ')));
        Assert.Equal(reference.Skip(1), tokenizer.Encode(tokenizer.Decode(reference)));
        Assert.Equal(" Lily", tokenizer.TokenToString(tokenizer.Encode(" Lily").Single()));
    }

    private static string Folder() => RealModels.Require("stories260k-hf");
}
