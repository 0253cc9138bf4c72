using System.Diagnostics;
using CircuitFinder.Model.Config;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Training;

/// <summary>
/// Trains a toy recipe from scratch with AdamW (linear warmup, cosine decay to 10%, gradient clipping), seeded: the
/// same seed, step count and thread count give the same weights. Writes the final model, <c>training.json</c>,
/// <c>expected.json</c>/<c>expected.safetensors</c> and log-spaced <c>checkpoints/step_{n}/</c> into a folder, claimed
/// as an <see cref="OutputFolder"/> (new, empty or an earlier training output; written aside, then swapped in).
/// </summary>
public static class ToyTrainer
{
    /// <summary>The command whose output a training folder is, as its output marker records it.</summary>
    public const string OutputKind = "zoo train";

    public const int IoiEvaluationPrompts = 1000;
    public const int IoiEvaluationSeed = 1_000_003;
    private const int SmoothingWindow = 50;

    public static TrainingReport Train(ToyRecipe recipe, TrainingOptions options, string? outFolder, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        int steps = options.Steps ?? recipe.Steps;
        if (steps < 1)
        {
            throw new BadInputException($"steps must be at least 1, got {steps}");
        }

        int previousThreads = get_num_threads();
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }

        using var output = outFolder is null ? null : OutputFolder.Claim(outFolder, OutputKind);
        try
        {
            var report = Run(recipe, options, steps, output?.Staging, progress);
            output?.Commit();
            return report;
        }
        finally
        {
            set_num_threads(previousThreads);
        }
    }

    private static TrainingReport Run(ToyRecipe recipe, TrainingOptions options, int steps, string? outFolder, IProgress<TrainingProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        manual_seed(options.Seed);
        var config = recipe.Config.Validate(recipe.Name);
        using var model = Initialize(config, options.Seed);
        var tokenizer = Vocabulary(recipe);
        var checkpoints = options.SaveCheckpoints && outFolder is not null ? CheckpointSchedule.Steps(steps, options.MaxCheckpoints) : [];
        var lossAt = new SortedDictionary<int, double>();
        var recent = new Queue<double>();
        double loss = double.NaN;

        model.SetTrainable(true);
        model.train();
        var batches = Batches(recipe, options.Seed);
        using (var optimizer = optim.AdamW(model.parameters(), recipe.LearningRate, 0.9, 0.999, 1e-8, recipe.WeightDecay))
        {
            var scheduler = optim.lr_scheduler.LambdaLR(optimizer, s => recipe.LearningRateFactor(s, steps));
            for (int step = 0; step < steps; step++)
            {
                if (checkpoints.Contains(step))
                {
                    TransformerLensSaver.Save(model, CheckpointFolder(outFolder!, step), tokenizer);
                }

                using var scope = NewDisposeScope();
                var (tokens, answers) = batches();
                var lossTensor = Loss(model, tokens, answers); // []
                optimizer.zero_grad();
                lossTensor.backward();
                nn.utils.clip_grad_norm_(model.parameters(), recipe.GradientClip);
                optimizer.step();
                scheduler.step();
                loss = lossTensor.item<float>();
                recent.Enqueue(loss);
                if (recent.Count > SmoothingWindow)
                {
                    recent.Dequeue();
                }

                if (step == 0 || checkpoints.Contains(step) || step == steps - 1)
                {
                    lossAt[step] = loss;
                }

                if (step % Math.Max(1, steps / 200) == 0 || step == steps - 1)
                {
                    progress?.Report(new TrainingProgress(step + 1, steps, loss));
                }
            }
        }

        model.SetTrainable(false);
        model.eval();
        double trainSeconds = clock.Elapsed.TotalSeconds;
        if (checkpoints.Contains(steps))
        {
            TransformerLensSaver.Save(model, CheckpointFolder(outFolder!, steps), tokenizer);
        }

        var evaluate = Stopwatch.StartNew();
        var report = new TrainingReport
        {
            Recipe = recipe.Name,
            Seed = options.Seed,
            Steps = steps,
            BatchSize = recipe.BatchSize,
            LearningRate = recipe.LearningRate,
            WarmupSteps = recipe.WarmupSteps,
            WeightDecay = recipe.WeightDecay,
            Threads = get_num_threads(),
            Config = config,
            FinalLoss = loss,
            SmoothedFinalLoss = recent.Average(),
            LossAtStep = lossAt,
            Checkpoints = checkpoints,
            TrainSeconds = trainSeconds,
            EvaluateSeconds = 0,
        };
        report = recipe.Task switch
        {
            ToyTaskKind.Induction => report with { Induction = InductionEvidence.Measure(model) },
            _ => report with
            {
                IoiAccuracy = ToyIoiTask.Accuracy(model, IoiEvaluationPrompts, IoiEvaluationSeed),
                IoiPrompts = IoiEvaluationPrompts,
            },
        };
        report = report with { EvaluateSeconds = evaluate.Elapsed.TotalSeconds };

        if (outFolder is not null)
        {
            TransformerLensSaver.Save(model, outFolder, tokenizer);
            ExpectedLogits.Write(model, outFolder, ExpectedSequences(recipe), $"logits of the {recipe.Name} model (seed {options.Seed}, {steps} steps)");
            TrainingJson.Write(report, Path.Combine(outFolder, "training.json"));
        }

        return report;
    }

    /// <summary>The recipe's vocabulary: <c>&lt;bos&gt;</c> and <c>t1</c>…<c>t63</c> for induction, the IOI words for toy-ioi.</summary>
    public static PlainVocabularyTokenizer Vocabulary(ToyRecipe recipe) => recipe.Task == ToyTaskKind.Ioi
        ? PlainVocabularyTokenizer.FromTokens(ToyIoiTask.Vocabulary, recipe.Name)
        : PlainVocabularyTokenizer.FromTokens(["<bos>", .. Enumerable.Range(1, recipe.Config.DVocab - 1).Select(i => $"t{i}")], recipe.Name);

    /// <summary>The folder of the checkpoint after <paramref name="step"/> optimizer steps.</summary>
    public static string CheckpointFolder(string outFolder, int step) => Path.Combine(outFolder, "checkpoints", $"step_{step}");

    /// <summary>The token sequences whose logits are shipped beside a trained model (seeded, recipe-shaped).</summary>
    public static IReadOnlyList<int[]> ExpectedSequences(ToyRecipe recipe)
    {
        if (recipe.Task == ToyTaskKind.Ioi)
        {
            var task = new ToyIoiTask(7);
            return Enumerable.Range(0, 4).Select(_ => task.NextPrompt().Tokens).ToArray();
        }

        var corpus = new ToyCorpus(recipe.Config.DVocab, recipe.Config.NCtx, 7);
        using var scope = NewDisposeScope();
        var repeated = ToyCorpus.RepeatedRandomTokens(1, InductionEvidence.DefaultRepeatLength, recipe.Config.DVocab, 7); // [1, 21]
        return [corpus.NextSequence(), corpus.NextSequence(), repeated.data<long>().Select(t => (int)t).ToArray()];
    }

    private static HookedTransformer Initialize(HookedTransformerConfig config, int seed)
    {
        var model = new HookedTransformer(config);
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        double std = 0.8 / Math.Sqrt(config.DModel);
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            string leaf = name[(name.LastIndexOf('.') + 1)..];
            var value = leaf switch
            {
                "w" => ones(parameter.shape),
                "b" => zeros(parameter.shape),
                _ when leaf.StartsWith("b_", StringComparison.Ordinal) => zeros(parameter.shape),
                _ => randn(parameter.shape, generator: generator) * std,
            };
            parameter.copy_(value);
        }

        model.InvalidateDerivedWeights();
        return model;
    }

    private static Func<(Tensor Tokens, Tensor? Answers)> Batches(ToyRecipe recipe, int seed)
    {
        if (recipe.Task == ToyTaskKind.Ioi)
        {
            var task = new ToyIoiTask(seed);
            return () => task.NextBatch(recipe.BatchSize);
        }

        var corpus = new ToyCorpus(recipe.Config.DVocab, recipe.Config.NCtx, seed);
        return () => (corpus.NextBatch(recipe.BatchSize), null);
    }

    /// <summary>Next-token cross-entropy at every position, or at the last position against <paramref name="answers"/>.</summary>
    private static Tensor Loss(HookedTransformer model, Tensor tokens, Tensor? answers)
    {
        var logits = model.Forward(tokens); // [b, p, v]
        long v = logits.shape[2], p = logits.shape[1];
        if (answers is not null)
        {
            return nn.functional.cross_entropy(logits.select(1, p - 1), answers); // [b, v] vs [b]
        }

        return nn.functional.cross_entropy(
            logits.narrow(1, 0, p - 1).reshape(-1, v), // [b·(p−1), v]
            tokens.narrow(1, 1, p - 1).reshape(-1)); // [b·(p−1)]
    }
}
