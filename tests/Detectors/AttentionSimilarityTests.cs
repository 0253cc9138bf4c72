using CircuitFinder.Detectors.Patterns;
using Xunit;

namespace CircuitFinder.Tests.Detectors;

/// <summary>
/// TransformerLens' <c>compute_head_attention_similarity_score</c> on tiny patterns written out by hand. Each expected
/// value is worked out in the comment beside it from TransformerLens' definition (head_detector.py).
/// </summary>
public sealed class AttentionSimilarityTests
{
    // A 3-token attention pattern (rows are queries, each sums to 1).
    private static readonly float[,] Attention =
    {
        { 1.0f, 0.0f, 0.0f },
        { 0.5f, 0.5f, 0.0f },
        { 0.2f, 0.6f, 0.2f },
    };

    private static readonly float[,] Previous = DetectionPatterns.PreviousToken([0, 5, 7]);

    [Fact]
    public void Previous_token_pattern_is_the_subdiagonal()
    {
        Assert.Equal(new float[,] { { 0, 0, 0 }, { 1, 0, 0 }, { 0, 1, 0 } }, Previous);
    }

    [Fact]
    public void Mul_is_attention_on_the_pattern_over_all_attention()
    {
        // (0.5 + 0.6) / 3 = 0.366667
        Assert.Equal(1.1 / 3, AttentionSimilarity.ScoreOne(Attention, Previous, new PatternScoring()), 5);
    }

    [Fact]
    public void Mul_excluding_bos_zeroes_the_first_column_before_dividing()
    {
        // attention becomes [[0,0,0],[0,.5,0],[0,.6,.2]]: on pattern 0.6, total 1.3 -> 0.461538
        Assert.Equal(0.6 / 1.3, AttentionSimilarity.ScoreOne(Attention, Previous, new PatternScoring(ExcludeBos: true)), 5);
    }

    [Fact]
    public void Mul_excluding_the_current_token_zeroes_the_diagonal_before_dividing()
    {
        // attention becomes [[0,0,0],[.5,0,0],[.2,.6,0]]: on pattern 1.1, total 1.3 -> 0.846154
        Assert.Equal(1.1 / 1.3, AttentionSimilarity.ScoreOne(Attention, Previous, new PatternScoring(ExcludeCurrentToken: true)), 5);
    }

    [Fact]
    public void Abs_is_one_minus_the_rounded_sum_of_differences_over_size()
    {
        // |A - D| = [[1,0,0],[.5,.5,0],[.2,.4,.2]], sum 2.8, mean 2.8/9, times 3 = 0.93333 -> round 0.933 -> 1 - 0.933 = 0.067
        Assert.Equal(0.067, AttentionSimilarity.ScoreOne(Attention, Previous, new PatternScoring(ErrorMeasure.Abs)), 6);
    }

    [Fact]
    public void Abs_excluding_bos_and_current_token_zeroes_those_differences_but_keeps_the_divisor()
    {
        // |A - D| without column 0 and the diagonal: [[0,0,0],[0,0,0],[0,.4,0]], sum 0.4, /3 = 0.13333 -> 0.133 -> 0.867
        Assert.Equal(0.867, AttentionSimilarity.ScoreOne(Attention, Previous, new PatternScoring(ErrorMeasure.Abs, true, true)), 6);
    }

    [Fact]
    public void Duplicate_and_induction_patterns_follow_TransformerLens()
    {
        // tokens: BOS a b a b
        long[] tokens = [0, 1, 2, 1, 2];
        var duplicate = DetectionPatterns.DuplicateToken(tokens);
        var induction = DetectionPatterns.Induction(tokens);
        Assert.Equal(
            new float[,] { { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0 }, { 0, 0, 1, 0, 0 } }, duplicate);
        // shifted one key right, first column zero, lower triangular
        Assert.Equal(
            new float[,] { { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 }, { 0, 0, 1, 0, 0 }, { 0, 0, 0, 1, 0 } }, induction);
    }

    [Fact]
    public void A_perfect_induction_head_on_a_twice_repeated_span_scores_the_share_of_queries_that_can_match()
    {
        // BOS a b a b; the head attends to BOS until a match exists, then to the token after the earlier copy.
        long[] tokens = [0, 1, 2, 1, 2];
        var attention = new float[5, 5];
        attention[0, 0] = attention[1, 0] = attention[2, 0] = 1;
        attention[3, 2] = attention[4, 3] = 1;
        // mul: 2 of 5 rows of attention on the pattern = 0.4
        Assert.Equal(0.4, AttentionSimilarity.ScoreOne(attention, DetectionPatterns.Induction(tokens), new PatternScoring()), 6);
        // abs: |A - D| is the BOS column of rows 0..2 = 3, /5 = 0.6 -> 1 - 0.6 = 0.4; excluding BOS it is exact: 1
        Assert.Equal(0.4, AttentionSimilarity.ScoreOne(attention, DetectionPatterns.Induction(tokens), new PatternScoring(ErrorMeasure.Abs)), 6);
        Assert.Equal(1.0, AttentionSimilarity.ScoreOne(attention, DetectionPatterns.Induction(tokens), new PatternScoring(ErrorMeasure.Abs, ExcludeBos: true)), 6);
    }
}
