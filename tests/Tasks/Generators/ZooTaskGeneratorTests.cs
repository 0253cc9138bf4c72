using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using CircuitFinder.Model.Zoo;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;
using Xunit;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Tasks.Generators;

/// <summary>The zoo models' own tasks: deterministic, well formed, and solved by their models.</summary>
public sealed class ZooTaskGeneratorTests
{
    [Theory]
    [InlineData("planted-ioi", "planted-ioi", 0.99)]
    [InlineData("toy-ioi", "toy-ioi", 0.95)]
    [InlineData("planted-induction", "induction", 0.99)]
    [InlineData("attn-only-2l", "induction", 0.5)]
    public void Each_zoo_model_solves_its_own_task(string modelName, string taskName, double accuracy)
    {
        Assert.Equal(taskName, ZooCatalog.Get(modelName).TaskName);
        using var loaded = ModelLoader.Load($"zoo:{modelName}", new LoadOptions { Processing = ProcessingOptions.None });
        Assert.True(TaskGeneratorCatalog.TryCreate(taskName, out var generator));
        var task = generator!.Generate(64, seed: 5, loaded.Tokenizer, loaded.Model.Config.DVocab);
        using var batch = TaskBatch.From(task);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = loaded.Model.Forward(batch.Clean, batch.AttentionMask); // [b, p, v]
        var read = logits.gather(1, batch.ReadPositions.view(-1, 1, 1).expand(-1, 1, logits.shape[2])).squeeze(1); // [b, v]
        double measured = new AccuracyMetric().PerPrompt(read.unsqueeze(0), new MetricTarget(batch.Answers, batch.WrongAnswers, read)).mean().item<float>();
        Assert.True(measured >= accuracy, $"{modelName} on {taskName}: accuracy {measured:P1} < {accuracy:P0}");
    }

    [Theory]
    [InlineData("planted-ioi", 18)]
    [InlineData("toy-ioi", 32)]
    public void IOI_shaped_zoo_tasks_repeat_S_in_clean_prompts_and_no_name_in_corrupted_ones(string name, int vocabulary)
    {
        Assert.True(TaskGeneratorCatalog.TryCreate(name, out var generator));
        var a = generator!.Generate(20, seed: 1, null, vocabulary);
        Assert.Equal(a.ContentHash, generator.Generate(20, seed: 1, null, vocabulary).ContentHash);
        Assert.NotEqual(a.ContentHash, generator.Generate(20, seed: 2, null, vocabulary).ContentHash);
        foreach (var p in a.Prompts)
        {
            Assert.Equal(p.Clean.Count, p.Corrupt.Count);
            int io = p.Answers[0], s = p.WrongAnswers[0];
            Assert.NotEqual(io, s);
            Assert.Equal(io, p.Clean[p.WordPositions["IO"]]);
            Assert.Equal(s, p.Clean[p.WordPositions["S1"]]);
            Assert.Equal(s, p.Clean[p.WordPositions["S2"]]);
            var corruptNames = new[] { "IO", "S1", "S2" }.Select(k => p.Corrupt[p.WordPositions[k]]).ToList();
            Assert.Equal(3, corruptNames.Distinct().Count());
        }

        Assert.Throws<BadInputException>(() => generator.Generate(4, 0, null, vocabulary - 1));
    }
}
