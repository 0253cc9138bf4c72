namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// Reads a checkpoint in whichever format its name (or, failing that, its first bytes) says:
/// <c>.safetensors</c> through <see cref="SafetensorsReader"/>; <c>.pth</c>, <c>.pt</c>, <c>.bin</c>,
/// <c>.ckpt</c> or a zip through <see cref="PickleCheckpointReader"/>.
/// </summary>
public static class CheckpointReader
{
    private static readonly string[] PickleExtensions = [".pth", ".pt", ".bin", ".ckpt"];

    public static StateDict Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: checkpoint file not found");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".safetensors")
        {
            return SafetensorsReader.Read(path);
        }

        if (PickleExtensions.Contains(extension) || StartsWithZipMagic(path))
        {
            return PickleCheckpointReader.Read(path);
        }

        throw new BadInputException(
            $"{path}: unknown checkpoint format: expected .safetensors, or a torch.save zip (.pth, .pt, .bin, .ckpt)");
    }

    private static bool StartsWithZipMagic(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = InputFile.OpenRead(path);
        return file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PK\x03\x04"u8);
    }
}
