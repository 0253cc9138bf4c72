using System.Text;
using CircuitFinder.Core;
using CircuitFinder.Studies.Framework;
using Newtonsoft.Json.Linq;
using Xunit;

namespace CircuitFinder.Tests.Studies.Framework;

public sealed class StudyFolderTests
{
    [Fact]
    public void Given_a_study_run_when_its_folder_is_rendered_then_study_json_has_the_versioned_schema_inputs_steps_and_claims_with_numbers()
    {
        var result = StudyRun.Run(new FakeStudy(pass: false), new StudyInputs { Seed = 7 });
        var files = StudyFolder.Render(result);
        var json = JObject.Parse(Encoding.UTF8.GetString(files["study.json"]));

        Assert.Equal("circuitfinder/study@1", (string?)json["schema"]);
        Assert.Equal("fake", (string?)json["study"]!["name"]);
        Assert.Equal(7, (int)json["seed"]!);
        Assert.Equal("00", (string?)json["inputs"]![0]!["sha256"]);
        Assert.Equal("7", (string?)json["steps"]![0]!["parameters"]!["seed"]);
        Assert.Equal("4", (string?)json["steps"]![0]!["parameters"]!["n"]);
        Assert.Equal("1, 2", (string?)json["steps"]![0]!["parameters"]!["list"]);
        var claim = json["claims"]![0]!;
        Assert.Equal(0.333333333, (double)claim["measured"]!, 9);
        Assert.Equal(0.5, (double)claim["threshold"]!);
        Assert.Equal(">=", (string?)claim["comparison"]);
        Assert.Equal("FAIL", (string?)claim["verdict"]);
        Assert.False((bool)json["passed"]!);
        Assert.Equal(["img/map.png", "img/curve.png"], json["plots"]!.Select(p => (string)p["file"]!));
        Assert.Equal("extra/data.txt", (string?)json["files"]![0]);
        Assert.Equal("timings", json.Properties().Last().Name);
        Assert.True(json["timings"]!["work"] is not null && json["timings"]!["total"] is not null);
    }

    [Fact]
    public void Given_a_study_run_when_its_folder_is_rendered_then_the_reports_state_each_claim_with_its_numbers_and_show_the_plots()
    {
        var files = StudyFolder.Render(StudyRun.Run(new FakeStudy(pass: true), new StudyInputs()));
        string markdown = Encoding.UTF8.GetString(files["report.md"]);
        string html = Encoding.UTF8.GetString(files["report.html"]);

        Assert.Contains("| big | the number is big enough | 0.3333 | &gt;= 0.3 | PASS | one third |", markdown, StringComparison.Ordinal);
        Assert.Contains("![A map](img/map.png)", markdown, StringComparison.Ordinal);
        Assert.Contains("img/curve.png", html, StringComparison.Ordinal);
        Assert.Contains("PASS", html, StringComparison.Ordinal);
        Assert.Equal(0x89, files["img/map.png"][0]); // PNG signature
        Assert.Equal(0x89, files["img/curve.png"][0]);
        Assert.Equal("hello", Encoding.UTF8.GetString(files["extra/data.txt"]));
    }

    [Fact]
    public void Given_one_seed_when_a_study_runs_twice_then_study_json_is_the_same_but_for_the_timings()
    {
        static JObject Json(int seed)
        {
            var json = StudyJson.Write(StudyRun.Run(new FakeStudy(pass: true), new StudyInputs { Seed = seed }));
            json.Remove("timings");
            return json;
        }

        Assert.Equal(JsonFiles.Format(Json(3)), JsonFiles.Format(Json(3)));
        Assert.NotEqual(JsonFiles.Format(Json(3)), JsonFiles.Format(Json(4)));
    }

    [Fact]
    public void Given_bad_inputs_when_a_study_starts_then_a_bad_input_names_the_option()
    {
        var n = Assert.Throws<BadInputException>(() => StudyRun.Run(new FakeStudy(pass: true), new StudyInputs { N = 0 }));
        Assert.Contains("--n", n.Message, StringComparison.Ordinal);
        var both = Assert.Throws<BadInputException>(() => StudyRun.Run(new FakeStudy(pass: true), new StudyInputs { Model = "a", Family = "b" }));
        Assert.Contains("--model or --family", both.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_output_folder_when_a_study_is_written_then_every_file_is_there_and_nothing_is_left_staged()
    {
        using var temp = new TemporaryFolder();
        string folder = temp.File("out");
        using (var output = OutputFolder.Claim(folder, StudyFolder.OutputKind))
        {
            StudyFolder.Write(output, StudyRun.Run(new FakeStudy(pass: true), new StudyInputs()));
        }

        foreach (var file in new[] { "study.json", "report.md", "report.html", "img/map.png", "img/curve.png", "extra/data.txt" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        }

        Assert.Equal(["out"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }
}
