using System.Globalization;
using CircuitFinder.Model.Config;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Training;

/// <summary>Writes a <see cref="TrainingReport"/> as <c>training.json</c> (snake_case keys, the config in TransformerLens keys).</summary>
public static class TrainingJson
{
    public static JObject ToJson(TrainingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var json = new JObject
        {
            ["recipe"] = report.Recipe,
            ["seed"] = report.Seed,
            ["steps"] = report.Steps,
            ["batch_size"] = report.BatchSize,
            ["optimizer"] = "AdamW(beta1 0.9, beta2 0.999, eps 1e-8), linear warmup then cosine to 10%, grad clip 1.0",
            ["learning_rate"] = report.LearningRate,
            ["warmup_steps"] = report.WarmupSteps,
            ["weight_decay"] = report.WeightDecay,
            ["threads"] = report.Threads,
            ["final_loss"] = report.FinalLoss,
            ["smoothed_final_loss"] = report.SmoothedFinalLoss,
            ["loss_at_step"] = new JObject(report.LossAtStep.Select(p => new JProperty(p.Key.ToString(CultureInfo.InvariantCulture), p.Value))),
            ["checkpoints"] = new JArray(report.Checkpoints),
            ["timings"] = new JObject { ["train_seconds"] = Math.Round(report.TrainSeconds, 2), ["evaluate_seconds"] = Math.Round(report.EvaluateSeconds, 2) },
            ["config"] = ConfigJson.ToTransformerLens(report.Config),
        };
        if (report.Induction is { } induction)
        {
            json["induction"] = new JObject
            {
                ["prompts"] = induction.Prompts,
                ["repeat_length"] = induction.RepeatLength,
                ["first_occurrence_loss"] = induction.FirstOccurrenceLoss,
                ["second_occurrence_loss"] = induction.SecondOccurrenceLoss,
                ["best_previous_token_head"] = Head(induction.BestPreviousTokenHead),
                ["best_induction_head"] = induction.BestInductionHead is { } best ? Head(best) : null,
                ["heads"] = new JArray(induction.Heads.Select(Head)),
            };
        }

        if (report.IoiAccuracy is { } accuracy)
        {
            json["ioi"] = new JObject { ["accuracy"] = accuracy, ["prompts"] = report.IoiPrompts };
        }

        return json;
    }

    public static void Write(TrainingReport report, string path) =>
        JsonFiles.WriteIndented(path, ToJson(report));

    private static JObject Head(HeadScores h) => new()
    {
        ["head"] = h.Id,
        ["previous_token_score"] = Math.Round(h.PreviousToken, 4),
        ["induction_score"] = Math.Round(h.Induction, 4),
    };
}
