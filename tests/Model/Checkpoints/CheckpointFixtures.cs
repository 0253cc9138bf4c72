using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace CircuitFinder.Tests.Model.Checkpoints;

/// <summary>Paths of the fixture weight files and small builders of hand-made checkpoint files.</summary>
internal static class CheckpointFixtures
{
    public static string ModelsFolder => FixturePaths.Root;

    public static string ModelFile(string model, string file) => Path.Combine(ModelsFolder, model, file);

    /// <summary>Every weight file under Fixtures/models (the expected.safetensors golden outputs excluded).</summary>
    public static IEnumerable<string> WeightFiles() =>
        Directory.EnumerateFiles(ModelsFolder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is "model.safetensors" or "model_final.safetensors" or "model_final.pth" or "pytorch_model.bin")
            .Order(StringComparer.Ordinal);

    /// <summary>A safetensors file's bytes from a header JSON text and a data buffer (header not padded).</summary>
    public static byte[] SafetensorsBytes(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>Name → shape as a safetensors file's own header says (a slow, obvious oracle for the reader).</summary>
    public static Dictionary<string, long[]> HeaderShapes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JObject.Parse(Encoding.UTF8.GetString(bytes, 8, length));
        return header.Properties()
            .Where(p => p.Name != "__metadata__")
            .ToDictionary(p => p.Name, p => p.Value["shape"]!.Values<long>().ToArray());
    }

    /// <summary>Copies a real torch.save zip and replaces its data.pkl with <paramref name="pickle"/>.</summary>
    public static string PickleCheckpointWith(string folder, byte[] pickle, string name = "model.pth")
    {
        var path = Path.Combine(folder, name);
        File.Copy(ModelFile("tl-gelu-2l-tiny", "model_final.pth"), path);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
        var old = archive.Entries.Single(e => e.Name == "data.pkl");
        var fullName = old.FullName;
        old.Delete();
        using var stream = archive.CreateEntry(fullName, CompressionLevel.NoCompression).Open();
        stream.Write(pickle);
        return path;
    }

    /// <summary>Pickle bytes from text where every char is one byte (as in Python's b'...' literals).</summary>
    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>True when both tensors have the same dtype, shape and values (exactly).</summary>
    public static bool SameValues(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape))
        {
            return false;
        }

        using var scope = NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }
}
