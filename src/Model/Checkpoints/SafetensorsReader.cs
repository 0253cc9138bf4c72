using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// Reads the safetensors format: an 8-byte little-endian header length N, N bytes of JSON header
/// (<c>{name: {dtype, shape, data_offsets}, "__metadata__": {...}}</c>), then the data buffer.
/// The whole header is validated against the file's length before any tensor is allocated.
/// </summary>
public static class SafetensorsReader
{
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>Reads every tensor, on the CPU, in its stored dtype.</summary>
    public static StateDict Read(string path)
    {
        using var file = Open(path);
        var header = SafetensorsHeader.Read(file, path);
        var tensors = new List<KeyValuePair<string, Tensor>>(header.Entries.Count);
        try
        {
            foreach (var entry in header.Entries)
            {
                tensors.Add(new(entry.Name, ReadTensor(file, header.DataStart, entry)));
            }
        }
        catch
        {
            foreach (var (_, tensor) in tensors)
            {
                tensor.Dispose();
            }

            throw;
        }

        return new StateDict(path, tensors);
    }

    /// <summary>Reads only the header's <c>__metadata__</c> strings (empty when there are none).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var file = Open(path);
        return SafetensorsHeader.Read(file, path).Metadata;
    }

    private static Tensor ReadTensor(FileStream file, long dataStart, SafetensorsEntry entry)
    {
        var tensor = empty(entry.Shape, entry.DType, device: CPU); // entry.Shape
        tensor.DetachFromDisposeScope();
        if (entry.End > entry.Begin)
        {
            file.Position = dataStart + entry.Begin;
            tensor.ReadBytesFromStream(file, CopyBufferBytes);
        }

        return tensor;
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: safetensors file not found");
        }

        try
        {
            return InputFile.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot open safetensors file: {e.Message}", e);
        }
    }
}
