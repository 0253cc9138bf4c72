using CircuitFinder.Model.Loading;

namespace CircuitFinder.Studies.Framework;

/// <summary>
/// What the user gave (null: the study's default): <c>--model</c>, <c>--family</c>, <c>--task</c>, <c>--n</c>, <c>--from</c> / <c>--to</c> (two checkpoints of the family), and the seed
/// of everything random (prompts, random tokens, baselines). <see cref="Load"/> carries the hub cache and processing.
/// </summary>
public sealed record StudyInputs
{
    public string? Model { get; init; }

    public string? Family { get; init; }

    public string? Task { get; init; }

    public int? N { get; init; }

    public int Seed { get; init; }

    /// <summary>With <see cref="Family"/> a hub model's name: its revisions (<c>--revisions step0,step512,...</c> or a preset such as <c>pythia</c>).</summary>
    public string? Revisions { get; init; }

    /// <summary>Studies that compare two checkpoints of a family: the earlier one's name (<c>--from</c>, e.g. <c>step_512</c>).</summary>
    public string? From { get; init; }

    /// <summary>Studies that compare two checkpoints of a family: the later one's name (<c>--to</c>).</summary>
    public string? To { get; init; }

    public LoadOptions? Load { get; init; }
}
