using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Weights;
using CircuitFinder.Model;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Tokenizers;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Detectors;

/// <summary>Copying and successor scores on weights set by hand, where the answer is known.</summary>
public sealed class WeightScoreTests
{
    // <bos>, the numbers 1..9, two days; one-hot embeddings, identity unembedding.
    private static readonly string[] Vocabulary = ["<bos>", "1", "2", "3", "4", "5", "6", "7", "8", "9", "Monday", "Tuesday"];

    [Fact]
    public void Copying_is_one_for_an_identity_OV_circuit_minus_one_for_its_negative_and_the_eigenvalue_ratio_in_general()
    {
        using var model = HandBuilt();
        var scores = CopyingScores.Compute(model.Embed.W_E, [model.Blocks[0].Attn.W_V], [model.Blocks[0].Attn.W_O], model.Unembed.W_U);
        Assert.Equal(1.0, scores[1], 9); // head 1: identity
        Assert.Equal(-1.0, scores[2], 9); // head 2: minus identity
        // the generic case, checked against the eigenvalues of the full d_vocab × d_vocab matrix: diag(2, -1, 1)
        Assert.Equal((2 - 1 + 1) / 4.0, CopyingScores.Score(new double[,] { { 2, 0, 0 }, { 0, -1, 0 }, { 0, 0, 1 } }), 12);
    }

    [Fact]
    public void Copying_from_the_factored_side_equals_the_eigenvalue_ratio_of_the_full_vocabulary_circuit()
    {
        var config = new HookedTransformerConfig
        {
            NLayers = 2, DModel = 10, NHeads = 3, DHead = 3, DVocab = 12, NCtx = 8, AttnOnly = true, NormalizationType = NormalizationType.None, ModelName = "random",
        }.Validate("random");
        using var model = RandomWeights.CreateModel(config, 5, 0.5);
        var wV = model.Blocks.Select(b => b.Attn.W_V).ToList();
        var wO = model.Blocks.Select(b => b.Attn.W_O).ToList();
        var fast = CopyingScores.Compute(model.Embed.W_E, wV, wO, model.Unembed.W_U);
        for (int layer = 0; layer < 2; layer++)
        {
            for (int head = 0; head < 3; head++)
            {
                using var scope = NewDisposeScope();
                var full = matmul(matmul(matmul(model.Embed.W_E, wV[layer][head]), wO[layer][head]), model.Unembed.W_U).to_type(ScalarType.Float64); // [v, v]
                var eigen = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(ToArray(full)).Evd().EigenValues;
                double dense = eigen.Sum(l => l.Real) / eigen.Sum(System.Numerics.Complex.Abs);
                Assert.Equal(dense, fast[(layer * 3) + head], 4);
            }
        }
    }

    [Fact]
    public void Successor_head_maps_every_number_to_the_next_and_the_identity_head_to_none()
    {
        using var model = HandBuilt();
        using var context = new DetectorContext(model, PlainVocabularyTokenizer.FromTokens(Vocabulary), "hand-built", null);
        var result = new SuccessorDetector().Run(context);
        var scores = result.Columns.Single().Values;
        Assert.Equal(1.0, scores[0]!.Value, 9); // 8 number pairs + Monday→Tuesday, all right
        Assert.Equal(0.0, scores[1]!.Value, 9);
        Assert.Contains("9 (token, successor) pairs", result.Notes.Single());
    }

    [Fact]
    public void Successor_does_not_apply_to_a_vocabulary_without_ordinal_tokens()
    {
        using var model = HandBuilt();
        var tokens = Enumerable.Range(0, Vocabulary.Length).Select(i => $"t{i}").ToList();
        using var context = new DetectorContext(model, PlainVocabularyTokenizer.FromTokens(tokens), "hand-built", null);
        var result = new SuccessorDetector().Run(context);
        Assert.Empty(result.Columns);
        Assert.Contains("not applicable", result.Notes.Single());
    }

    private static double[,] ToArray(Tensor square)
    {
        var result = new double[square.shape[0], square.shape[1]];
        for (int i = 0; i < result.GetLength(0); i++)
        {
            for (int j = 0; j < result.GetLength(1); j++)
            {
                result[i, j] = square[i, j].item<double>();
            }
        }

        return result;
    }

    /// <summary>One layer, three heads with d_head = d_vocab: head 0 shifts numbers by one, head 1 copies, head 2 anti-copies.</summary>
    private static HookedTransformer HandBuilt()
    {
        int v = Vocabulary.Length;
        var config = new HookedTransformerConfig
        {
            NLayers = 1, DModel = v, NHeads = 3, DHead = v, DVocab = v, NCtx = 8, AttnOnly = true,
            NormalizationType = NormalizationType.None, ModelName = "hand-built",
        }.Validate("hand-built");
        var shift = zeros(v, v);
        for (int t = 1; t < 9; t++)
        {
            shift[t, t + 1] = tensor(1f); // number t → t+1
        }

        shift[10, 11] = tensor(1f); // Monday → Tuesday
        var weights = RandomWeights.CreateModel(config, 0, 0.1).ToStateDict();
        weights["embed.W_E"] = eye(v);
        weights["unembed.W_U"] = eye(v);
        weights["blocks.0.attn.W_V"] = stack([shift, eye(v), -eye(v)]);
        weights["blocks.0.attn.W_O"] = stack([eye(v), eye(v), eye(v)]);
        return HookedTransformer.Create(config, weights, "hand-built");
    }
}
