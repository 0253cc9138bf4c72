using System.CommandLine;
using CircuitFinder.Model;
using CircuitFinder.Model.Hub;
using CircuitFinder.Model.Loading;
using CircuitFinder.Model.Processing;
using TorchSharp;

namespace CircuitFinder.Cli;

/// <summary>
/// The options that choose and load a model: <c>--model</c> (a folder, <c>zoo:NAME</c>, or a hub id / TransformerLens name
/// from the HuggingFace cache), <c>--download</c>, <c>--weights</c>, processing switches, <c>--device</c>.
/// </summary>
public sealed class ModelOptions
{
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "Model folder (HuggingFace GPT-2, GPT-NeoX/Pythia, GPT-Neo or Llama; or TransformerLens layout), a weights file inside one, a built-in zoo:NAME (see zoo list), or a hub id or TransformerLens name[@REVISION] from the HuggingFace cache (docs/models.md)",
        Required = true,
    };

    public Option<bool> Download { get; } = new("--download") { Description = "Fetch a model given by name from the hub when it is not in the HuggingFace cache (HF_ENDPOINT, HF_TOKEN)" };

    public Option<string?> Weights { get; } = new("--weights") { Description = "Weights file to read when the folder has several" };

    public Option<bool> NoProcessing { get; } = new("--no-processing") { Description = "Load the raw checkpoint: no LayerNorm folding or centring" };

    public Option<bool> NoFoldLn { get; } = new("--no-fold-ln") { Description = "Do not fold LayerNorm weights" };

    public Option<bool> NoCenterWritingWeights { get; } = new("--no-center-writing-weights") { Description = "Do not centre writing weights" };

    public Option<bool> NoCenterUnembed { get; } = new("--no-center-unembed") { Description = "Do not centre the unembedding" };

    public Option<bool> NoFoldValueBiases { get; } = new("--no-fold-value-biases") { Description = "Do not fold value biases" };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, or cuda where a CUDA build of libtorch is installed",
        DefaultValueFactory = _ => "cpu",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Download, Weights, NoProcessing, NoFoldLn, NoCenterWritingWeights, NoCenterUnembed, NoFoldValueBiases, Device })
        {
            command.Add(option);
        }
    }

    public LoadedModel Load(ParseResult parse) => Load(parse, parse.GetValue(Model)!, parse.GetValue(Weights));

    /// <summary>
    /// The switches a command with its own model options (<c>diff --a --b</c>) shares: the processing switches,
    /// <c>--download</c> and <c>--device</c> (not <c>--model</c> or <c>--weights</c>).
    /// </summary>
    public void AddSwitchesTo(Command command)
    {
        foreach (var option in new Option[] { Download, NoProcessing, NoFoldLn, NoCenterWritingWeights, NoCenterUnembed, NoFoldValueBiases, Device })
        {
            command.Add(option);
        }
    }

    /// <summary>Loads <paramref name="spec"/> (a folder, zoo name or hub name) with this command's switches.</summary>
    public LoadedModel Load(ParseResult parse, string spec, string? weightsFile)
    {
        var processing = parse.GetValue(NoProcessing)
            ? ProcessingOptions.None
            : new ProcessingOptions
            {
                FoldLn = !parse.GetValue(NoFoldLn),
                CenterWritingWeights = !parse.GetValue(NoCenterWritingWeights),
                CenterUnembed = !parse.GetValue(NoCenterUnembed),
                FoldValueBiases = !parse.GetValue(NoFoldValueBiases),
            };
        var device = ResolveDevice(parse.GetValue(Device)!);
        var hub = CliEnvironment.Hub();
        if (parse.GetValue(Download) && HubModels.NeedsDownload(spec, hub))
        {
            HubProgress.Run(parse.GetValue(GlobalOptions.Quiet), progress => HubModels.Locate(spec, hub, download: true, progress));
        }

        var loaded = ModelLoader.Load(spec, new LoadOptions { Processing = processing, WeightsFile = weightsFile, Hub = hub });
        if (device.type != DeviceType.CPU)
        {
            loaded.Model.to(device);
        }

        return loaded;
    }

    private static torch.Device ResolveDevice(string name) => name switch
    {
        "cpu" => torch.CPU,
        "cuda" when torch.cuda.is_available() => torch.CUDA,
        "cuda" => throw new BadInputException("--device cuda: CUDA is not available (this build uses the CPU libtorch)"),
        _ => throw new BadInputException($"--device: unknown device '{name}' (expected cpu or cuda)"),
    };
}
