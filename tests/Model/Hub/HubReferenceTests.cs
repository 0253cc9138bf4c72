using CircuitFinder.Model.Hub;
using Xunit;

namespace CircuitFinder.Tests.Model.Hub;

/// <summary>Reading <c>NAME[@REVISION]</c>: TransformerLens names and aliases, hub ids, revisions, and what can only be a path.</summary>
public sealed class HubReferenceTests
{
    [Theory]
    [InlineData("gpt2-small", "gpt2", "main")]
    [InlineData("GPT2-Small", "gpt2", "main")]
    [InlineData("pythia-70m@step3000", "EleutherAI/pythia-70m", "step3000")]
    [InlineData("attn-only-2l", "NeelNanda/Attn_Only_2L512W_C4_Code", "main")]
    [InlineData("solu-1l", "NeelNanda/SoLU_1L512W_C4_Code", "main")]
    [InlineData("gelu-2l", "NeelNanda/GELU_2L512W_C4_Code", "main")]
    [InlineData("EleutherAI/pythia-70m@step3000", "EleutherAI/pythia-70m", "step3000")]
    [InlineData("NeelNanda/Attn_Only_2L512W_C4_Code", "NeelNanda/Attn_Only_2L512W_C4_Code", "main")]
    [InlineData("my-org/my-model@refs/pr/1", "my-org/my-model", "refs/pr/1")]
    public void Names_and_aliases_resolve_to_the_hub_id_and_revision(string spec, string repoId, string revision)
    {
        Assert.True(HubReference.TryParse(spec, out var reference));
        Assert.Equal(repoId, reference.RepoId);
        Assert.Equal(revision, reference.Revision);
    }

    [Theory]
    [InlineData("/abs/path/model")]
    [InlineData("./model")]
    [InlineData("a/b/c")]
    [InlineData("../model")]
    public void What_can_only_be_a_path_is_not_a_name(string spec) => Assert.False(HubReference.TryParse(spec, out _));

    [Theory]
    [InlineData("gpt2@")]
    [InlineData("gpt2@../../x")]
    [InlineData("gpt2@a b")]
    public void A_malformed_revision_is_bad_input_naming_it(string spec)
    {
        var e = Assert.Throws<BadInputException>(() => HubReference.TryParse(spec, out _));
        Assert.Contains("is not a revision", e.Message);
    }

    [Fact]
    public void A_commit_hash_is_a_commit()
    {
        Assert.True(HubReference.Parse("gpt2@" + new string('a', 40), "test").IsCommit);
        Assert.False(HubReference.Parse("gpt2@main", "test").IsCommit);
    }

    [Fact]
    public void The_pythia_preset_is_pythias_checkpoint_schedule()
    {
        var steps = RevisionList.Parse("pythia", "--revisions");
        Assert.Equal(154, steps.Count);
        Assert.Equal(["step0", "step1", "step2", "step4", "step8", "step16", "step32", "step64", "step128", "step256", "step512", "step1000"], steps.Take(12));
        Assert.Equal("step143000", steps[^1]);
        Assert.Equal(["step0", "step512"], RevisionList.Parse("step0, step512", "--revisions"));
        Assert.Contains("given twice", Assert.Throws<BadInputException>(() => RevisionList.Parse("step0,step0", "--revisions")).Message);
        Assert.Contains("--revisions: '..' is not a revision", Assert.Throws<BadInputException>(() => RevisionList.Parse("step0,..", "--revisions")).Message);
    }

    [Fact]
    public void Options_follow_huggingface_hub_environment_rules()
    {
        var env = new Dictionary<string, string> { ["HOME"] = "/home/u" };
        Assert.Equal("/home/u/.cache/huggingface/hub", HubOptions.FromEnvironment(env.GetValueOrDefault).CacheFolder);
        env["HF_HOME"] = "/data/hf";
        Assert.Equal("/data/hf/hub", HubOptions.FromEnvironment(env.GetValueOrDefault).CacheFolder);
        env["HF_HUB_CACHE"] = "/fast/hub";
        env["HF_ENDPOINT"] = "http://mirror.local/";
        env["HF_TOKEN"] = "t";
        env["HF_HUB_OFFLINE"] = "1";
        var options = HubOptions.FromEnvironment(env.GetValueOrDefault);
        Assert.Equal("/fast/hub", options.CacheFolder);
        Assert.Equal("http://mirror.local", options.Endpoint);
        Assert.Equal("t", options.Token);
        Assert.True(options.Offline);
    }
}
