using CircuitFinder.Graph.Views;
using CircuitFinder.Studies.Framework;

namespace CircuitFinder.Tests.Studies.Framework;

/// <summary>A study without a model: records a step, a table, both kinds of plot and one claim that passes when <see cref="Pass"/>.</summary>
internal sealed class FakeStudy(bool pass) : IStudy
{
    public bool Pass { get; } = pass;

    public string Name => "fake";

    public string Description => "A study for the framework's tests.";

    public string SeedProblems => "0.1";

    public IReadOnlyList<string> ClaimStatements { get; } = ["the number is big enough"];

    public StudyDefaults Defaults { get; } = new("zoo:attn-only-2l", null, null, 4);

    public void Run(StudyContext context)
    {
        context.AddInput(new StudyInput("model", "fake", "00"));
        double value = context.Time("work", () => 1.0 / 3);
        context.Step("compute", "found one third", ("seed", context.Seed), ("n", context.N), ("list", new[] { 1, 2 }));
        context.Table(new StudyTable("Numbers", ["name", "value"], [["third", "0.3333"]]));
        context.Plot(new StudyPlot("map", "A map", ViewMap.From("m", "map", "layer", "head", ["0"], ["0", "1"], new double[,] { { 0.1, 0.2 } }, "v")));
        context.Plot(new StudyPlot("curve", "A curve", Curves: new StudyCurves("x", "y", ["a", "b"], [new StudySeries("s", [1, 2])])));
        context.File("extra/data.txt", "hello"u8.ToArray());
        context.Claim(StudyClaim.AtLeast("big", ClaimStatements[0], value, Pass ? 0.3 : 0.5, "one third"));
    }
}
