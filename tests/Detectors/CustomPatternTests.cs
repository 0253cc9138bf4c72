using CircuitFinder.Detectors;
using CircuitFinder.Detectors.Patterns;
using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Detectors;

/// <summary>User patterns from JSON: rules and matrices score like the built-in detectors they mirror; bad files name the key.</summary>
public sealed class CustomPatternTests
{
    [Fact]
    public void Offset_minus_one_rule_scores_exactly_like_the_previous_token_detector()
    {
        using var loaded = ModelLoader.Load("zoo:planted-induction");
        using var context = new DetectorContext(loaded.Model, loaded.Tokenizer, loaded.Source, "induction");
        var user = CustomPattern.Parse(JObject.Parse("""{"name": "back-one", "rule": "offset", "offset": -1}"""), "test");
        var builtin = HeadDetectorCatalog.Select(["previous-token"]).Single();
        Assert.Equal(builtin.Run(context).Columns.Single().Values, user.Run(context).Columns.Single().Values);
    }

    [Fact]
    public void A_matrix_pattern_fixes_the_input_length_and_scores_attention_to_the_first_position()
    {
        using var loaded = ModelLoader.Load("zoo:planted-induction");
        using var context = new DetectorContext(loaded.Model, loaded.Tokenizer, loaded.Source, "induction");
        var user = CustomPattern.Parse(JObject.Parse("""{"name": "first", "matrix": [[1], [1], [1], [1]]}"""), "test");
        var result = user.Run(context);
        Assert.Contains("of 4 tokens", result.Notes.Single());
        Assert.All(result.Columns.Single().Values, v => Assert.InRange(v!.Value, 0, 1));
    }

    [Theory]
    [InlineData("""{"rule": "offset", "offset": -1}""", "missing \"name\"")]
    [InlineData("""{"name": "x", "rule": "offset", "offset": 2}""", "test.offset")]
    [InlineData("""{"name": "x", "rule": "sideways"}""", "test.rule: unknown rule 'sideways'")]
    [InlineData("""{"name": "x", "matrix": [[1, 1], [0, 1]]}""", "test.matrix[0][1]: the pattern must be lower triangular")]
    [InlineData("""{"name": "x", "rule": "first", "error_measure": "max"}""", "test.error_measure")]
    [InlineData("""{"name": "X Y", "rule": "first"}""", "test.name")]
    public void Bad_patterns_are_rejected_naming_the_key(string json, string message)
    {
        var e = Assert.Throws<BadInputException>(() => CustomPattern.Parse(JObject.Parse(json), "test"));
        Assert.Contains(message, e.Message);
    }
}
