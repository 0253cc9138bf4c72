using System.CommandLine;
using System.Globalization;
using CircuitFinder.Model;
using CircuitFinder.Model.Loading;
using CircuitFinder.Patching.Views;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Cli.Commands;

/// <summary>
/// <c>run --generate N [--temperature T] [--top-k K] [--seed S] [--json]</c>: continues the prompt by N tokens
/// (<see cref="TokenSampling"/>; greedy unless a temperature or top-k is given) and prints the text, or with --json the
/// prompt and generated ids and token strings.
/// </summary>
internal sealed class RunGeneration
{
    public Option<int?> Generate { get; } = new("--generate") { Description = "Continue the prompt by N tokens (greedy unless --temperature or --top-k)" };

    public Option<double?> Temperature { get; } = new("--temperature") { Description = "Sample with this temperature (0: greedy, the default)" };

    public Option<int?> TopK { get; } = new("--top-k") { Description = "Sample among the K most likely tokens (at temperature 1 unless --temperature is given)" };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed for sampling (the same seed gives the same tokens)", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Generate, Temperature, TopK, Seed })
        {
            command.Add(o);
        }
    }

    /// <summary>Whether --generate was given; sampling options without it are bad input.</summary>
    public bool Requested(ParseResult parse)
    {
        bool given = parse.GetValue(Generate) is not null;
        if (!given && (parse.GetValue(Temperature) is not null || parse.GetValue(TopK) is not null))
        {
            throw new BadInputException("--temperature and --top-k go with --generate N");
        }

        return given;
    }

    /// <summary>The options, checked before the model loads.</summary>
    public GenerationOptions Options(ParseResult parse)
    {
        var options = new GenerationOptions
        {
            Temperature = parse.GetValue(Temperature) ?? (parse.GetValue(TopK) is null ? 0 : 1),
            TopK = parse.GetValue(TopK),
            Seed = parse.GetValue(Seed),
        };
        options.Validate();
        if (parse.GetValue(Generate) is < 0)
        {
            throw new BadInputException($"--generate must be at least 0, got {parse.GetValue(Generate)}");
        }

        return options;
    }

    public void Run(ParseResult parse, LoadedModel loaded, IReadOnlyList<int> prompt, GenerationOptions options, bool json, TextWriter stdout)
    {
        var all = TokenSampling.Generate(loaded.Model, prompt, parse.GetValue(Generate)!.Value, options);
        var generated = all.Skip(prompt.Count).ToList();
        var tokenizer = loaded.Tokenizer;
        string? Decode(IEnumerable<int> ids) => tokenizer is null ? null : tokenizer.Decode(ids);
        if (json)
        {
            var result = new JObject
            {
                ["model"] = loaded.Source,
                ["mode"] = options.Samples ? "sample" : "greedy",
                ["temperature"] = options.Temperature,
                ["top_k"] = options.TopK is { } k ? k : JValue.CreateNull(),
                ["seed"] = options.Seed,
                ["prompt_ids"] = new JArray(prompt),
                ["generated_ids"] = new JArray(generated),
                ["generated_tokens"] = new JArray(generated.Select(i => TokenLabels.Token(tokenizer, i))),
                ["ids"] = new JArray(all),
                ["text"] = Decode(all) is { } text ? text : JValue.CreateNull(),
            };
            stdout.WriteLine(JsonFiles.Format(result));
            return;
        }

        stdout.WriteLine(TerminalText.Lines(Decode(all) ?? string.Join(",", all.Select(i => i.ToString(CultureInfo.InvariantCulture)))));
    }
}
