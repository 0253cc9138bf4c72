using CircuitFinder.Tasks;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Tasks;

/// <summary>A task as tensors: right padding with a mask, ragged answers padded with -1, read positions resolved.</summary>
public sealed class TaskBatchTests
{
    private static readonly TaskDataset Ragged = new()
    {
        Name = "ragged",
        Prompts =
        [
            new TaskPrompt { Clean = [1, 2, 3], Corrupt = [4, 5, 6], Answers = [7], WrongAnswers = [8, 9] },
            new TaskPrompt { Clean = [10], Corrupt = [11], Answers = [12, 13], ReadPosition = 0 },
            new TaskPrompt { Clean = [14, 15], Corrupt = [16, 17], Answers = [18] },
        ],
    };

    [Fact]
    public void Given_prompts_of_different_lengths_then_they_are_right_padded_and_masked()
    {
        using var batch = TaskBatch.From(Ragged, padTokenId: 99);

        Assert.Equal([3L, 3L], batch.Clean.shape);
        Assert.Equal(ScalarType.Int64, batch.Clean.dtype);
        Assert.Equal([1L, 2, 3, 10, 99, 99, 14, 15, 99], batch.Clean.data<long>().ToArray());
        Assert.Equal([4L, 5, 6, 11, 99, 99, 16, 17, 99], batch.Corrupt.data<long>().ToArray());
        Assert.NotNull(batch.AttentionMask);
        Assert.Equal([1L, 1, 1, 1, 0, 0, 1, 1, 0], batch.AttentionMask!.data<long>().ToArray());
        Assert.Equal(99, batch.PadTokenId);
    }

    [Fact]
    public void Given_ragged_answers_then_rows_are_padded_with_minus_one()
    {
        using var batch = TaskBatch.From(Ragged);

        Assert.Equal([3L, 2L], batch.Answers.shape);
        Assert.Equal([7L, -1, 12, 13, 18, -1], batch.Answers.data<long>().ToArray());
        Assert.Equal([3L, 2L], batch.WrongAnswers.shape);
        Assert.Equal([8L, 9, -1, -1, -1, -1], batch.WrongAnswers.data<long>().ToArray());
        Assert.Equal([2L, 0, 1], batch.ReadPositions.data<long>().ToArray());
    }

    [Fact]
    public void Given_equal_lengths_and_no_wrong_answers_then_there_is_no_mask_and_w_is_zero()
    {
        var dataset = new TaskDataset
        {
            Name = "even",
            Prompts = [new TaskPrompt { Clean = [1, 2], Corrupt = [3, 4], Answers = [5] }, new TaskPrompt { Clean = [6, 7], Corrupt = [8, 9], Answers = [10] }],
        };

        using var batch = TaskBatch.From(dataset);

        Assert.Null(batch.AttentionMask);
        Assert.Equal([2L, 0L], batch.WrongAnswers.shape);
        Assert.Equal(2, batch.Count);
        Assert.Equal(2, batch.Length);
    }

    [Fact]
    public void Given_a_batch_when_sliced_then_the_rows_are_copied_with_the_same_width()
    {
        using var batch = TaskBatch.From(Ragged);

        using var slice = batch.Slice(1, 2);

        Assert.Equal([2L, 3L], slice.Clean.shape);
        Assert.Equal([10L, 0, 0, 14, 15, 0], slice.Clean.data<long>().ToArray());
        Assert.Equal([1L, 0, 0, 1, 1, 0], slice.AttentionMask!.data<long>().ToArray());
        Assert.Equal([0L, 1], slice.ReadPositions.data<long>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Slice(2, 2));
    }

    [Fact]
    public void Given_a_dispose_scope_when_a_batch_is_made_inside_then_it_outlives_the_scope()
    {
        TaskBatch batch;
        using (NewDisposeScope())
        {
            batch = TaskBatch.From(Ragged);
        }

        using (batch)
        {
            Assert.Equal(1L, batch.Clean[0, 0].item<long>());
        }
    }
}
