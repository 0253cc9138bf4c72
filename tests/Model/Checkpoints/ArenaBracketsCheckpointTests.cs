using CircuitFinder.Model.Checkpoints;
using Xunit;

namespace CircuitFinder.Tests.Model.Checkpoints;

public sealed class ArenaBracketsCheckpointTests
{
    [SkippableFact]
    public void Arena_brackets_state_dict_saved_on_cuda_reads_onto_the_cpu()
    {
        var path = RealModels.File(Path.Combine("arena-brackets", "brackets_model_state_dict.pt"));
        Skip.If(path is null, RealModels.SkipReason);

        using var dict = CheckpointReader.Read(path!);

        // 60 keys and these shapes were read from the file's data.pkl with Python's pickle module.
        Assert.Equal(60, dict.Count);
        Assert.Equal(new long[] { 5, 56 }, dict["embed.W_E"].shape);
        Assert.Equal(new long[] { 42, 56 }, dict["pos_embed.W_pos"].shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Bool, dict["blocks.0.attn.mask"].dtype);
        Assert.All(dict.Values, t => Assert.Equal(TorchSharp.DeviceType.CPU, t.device_type));
        StateDictChecks.EnsureFinite(dict);
    }
}
