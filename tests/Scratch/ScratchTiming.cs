using System.Diagnostics;
using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Attribution;
using CircuitFinder.Patching.Discovery;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Tasks;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace CircuitFinder.Tests.Scratch;

public sealed class ScratchTiming(ITestOutputHelper output)
{
    [Fact]
    public void Time()
    {
        using var loaded = ModelLoader.Load("zoo:attn-only-1l");
        var c = loaded.Model.Config;
        Assert.True(TaskGeneratorCatalog.TryCreate("induction", out var generator));
        var data = generator!.Generate(640, seed: 3, loaded.Tokenizer, c.DVocab);
        using var all = TaskBatch.From(data);
        var graph = ModelGraph.Build(c, GraphLevel.Qkv);
        using var noGrad = TorchSharp.torch.no_grad();
        using var batches = PromptBatches.Create(loaded.Model, graph, all, new ResampleAblation(), 64, 0, keepBytes: 0);
        var ctx = new DiscoveryContext(loaded.Model, batches, new LogProbabilityMetric(), new DiscoveryOptions());
        var stats = DisposeScopeManager.Statistics;
        void Report(string what) => output.WriteLine($"{what}: live {stats.ThreadTotalLiveCount}");
        Report("start");
        batches.ForEach(_ => { });
        Report("build");
        var sets = new List<IReadOnlyCollection<Edge>> { new List<Edge>(), graph.Edges.ToList(), graph.Edges.Take(3).ToList() };
        ctx.MetricOf(sets);
        Report("metric");
        batches.ForEach(b => EdgeAttribution.Score(loaded.Model, b.Patcher, new LogProbabilityMetric(), b.Answers, b.WrongAnswers, 0));
        Report("eap");
        batches.ForEach(b => EdgeAttribution.Score(loaded.Model, b.Patcher, new LogProbabilityMetric(), b.Answers, b.WrongAnswers, 2));
        Report("eap-ig");
        static long Rss() => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        for (int pass = 0; pass < 30; pass++)
        {
            batches.ForEach(b => EdgeAttribution.Score(loaded.Model, b.Patcher, new LogProbabilityMetric(), b.Answers, b.WrongAnswers, 0));
            ctx.MetricOf(sets);
            if (pass % 5 == 4)
            {
                output.WriteLine($"pass {pass}: rss {Rss()} MiB, managed {GC.GetTotalMemory(false) >> 20} MiB, gcs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, live {stats.ThreadTotalLiveCount}");
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        output.WriteLine($"collected: rss {Rss()} MiB, managed {GC.GetTotalMemory(false) >> 20} MiB");
    }
}
