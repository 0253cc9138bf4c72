using CircuitFinder.Model.Training;
using Xunit;

namespace CircuitFinder.Tests.Model.Training;

public sealed class CheckpointScheduleTests
{
    [Fact]
    public void Given_few_steps_then_every_power_of_two_and_the_final_step_are_kept()
    {
        Assert.Equal([0, 1, 2, 4, 5], CheckpointSchedule.Steps(5, 12));
        Assert.Equal([0, 1, 2, 4, 8], CheckpointSchedule.Steps(8, 12));
    }

    [Fact]
    public void Given_many_steps_then_at_most_the_limit_is_kept_dropping_the_smallest_powers()
    {
        var steps = CheckpointSchedule.Steps(3000, 12);

        Assert.Equal(12, steps.Count);
        Assert.Equal([0, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048], steps.Take(11));
        Assert.Equal(3000, steps[^1]);
    }
}
