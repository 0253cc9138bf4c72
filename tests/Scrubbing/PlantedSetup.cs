using CircuitFinder.Graph;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Zoo;
using CircuitFinder.Patching;
using CircuitFinder.Patching.Ablations;
using CircuitFinder.Patching.Engine;
using CircuitFinder.Patching.Metrics;
using CircuitFinder.Scrubbing.Verification;
using CircuitFinder.Tasks;

namespace CircuitFinder.Tests.Scrubbing;

/// <summary>A planted zoo model on its built-in task with resample ablation, an edge patcher, a circuit evaluator and the ground truth.</summary>
public sealed class PlantedSetup : IDisposable
{
    private PlantedSetup(LoadedModel loaded, TaskDataset dataset, TaskBatch batch, ComputeGraph graph, EdgePatcher patcher, CircuitEvaluator evaluator, Circuit truth)
    {
        Loaded = loaded;
        Dataset = dataset;
        Batch = batch;
        Graph = graph;
        Patcher = patcher;
        Evaluator = evaluator;
        Truth = truth;
    }

    public LoadedModel Loaded { get; }

    public TaskDataset Dataset { get; }

    public TaskBatch Batch { get; }

    public ComputeGraph Graph { get; }

    public EdgePatcher Patcher { get; }

    public CircuitEvaluator Evaluator { get; }

    public Circuit Truth { get; }

    public static PlantedSetup Create(string name, int prompts = 24, GraphLevel level = GraphLevel.Qkv)
    {
        var loaded = ModelLoader.Load($"zoo:{name}");
        var zoo = ZooCatalog.Get(name);
        var c = loaded.Model.Config;
        TaskGeneratorCatalog.TryCreate(zoo.TaskName, out var generator);
        var dataset = generator!.Generate(prompts, seed: 0, loaded.Tokenizer, c.DVocab);
        var batch = TaskBatch.From(dataset);
        var graph = ModelGraph.Build(c, level);
        var patcher = new EdgePatcher(loaded.Model, graph, new PatchingInput(batch.Clean, batch.AttentionMask, batch.ReadPositions), new ResampleAblation(), batch.Corrupt);
        var evaluator = new CircuitEvaluator(patcher, MetricCatalog.Create(dataset.DefaultMetric), batch.Answers, batch.WrongAnswers);
        var truth = level == GraphLevel.Qkv ? new Circuit(zoo.GroundTruthEdges.Select(graph.ParseEdge)) : Circuit.Empty;
        return new PlantedSetup(loaded, dataset, batch, graph, patcher, evaluator, truth);
    }

    public void Dispose()
    {
        Patcher.Dispose();
        Batch.Dispose();
        Loaded.Dispose();
    }
}
