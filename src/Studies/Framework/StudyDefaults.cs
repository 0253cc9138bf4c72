namespace CircuitFinder.Studies.Framework;

/// <summary>
/// A study's default inputs: a model (<c>--model</c>) or a family of checkpoints (<c>--family</c>), a task
/// (<c>--task</c>, null where the study takes none or uses the model's own) and a prompt count (<c>--n</c>).
/// </summary>
public sealed record StudyDefaults(string? Model, string? Family, string? Task, int N)
{
    /// <summary>The defaults as <c>--option value</c> text, as <c>study list</c> prints them.</summary>
    public string Describe() => string.Join(' ', new[]
    {
        Model is null ? null : $"--model {Model}",
        Family is null ? null : $"--family {Family}",
        Task is null ? null : $"--task {Task}",
        $"--n {N}",
    }.Where(s => s is not null));
}
