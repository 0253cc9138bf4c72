using System.Collections;
using System.IO.Compression;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// Reads PyTorch checkpoints in the <c>torch.save</c> zip format (<c>prefix/data.pkl</c> plus
/// <c>prefix/data/N</c> storages). The pickle is first walked opcode by opcode and refused if it names
/// any global besides the tensor-rebuilding ones <c>torch.save</c> writes; only then does
/// TorchSharp.PyBridge unpickle it. Every tensor comes back on the CPU.
/// </summary>
public static class PickleCheckpointReader
{
    private const long MaxPickleBytes = 1L << 30;

    private static readonly string[] WrapperKeys = ["state_dict", "model_state_dict", "model"];

    public static StateDict Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: checkpoint file not found");
        }

        using var file = InputFile.OpenRead(path);
        EnsureZip(file, path);
        ScanPickles(file, path);
        file.Position = 0;
        var table = Unpickle(file, path);
        return new StateDict(path, ToTensors(table, path));
    }

    private static void EnsureZip(FileStream file, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (read == 4 && magic.SequenceEqual("PK\x03\x04"u8))
        {
            return;
        }

        if (read >= 1 && magic[0] == 0x80)
        {
            throw new BadInputException(
                $"{path}: legacy non-zip torch.save format is not supported; re-save with torch.save(..., _use_new_zipfile_serialization=True)");
        }

        throw new BadInputException(
            $"{path}: not a PyTorch checkpoint: a torch.save file is a zip archive starting with 'PK\\x03\\x04', but this file starts with {Convert.ToHexString(magic[..read])} ({file.Length} bytes)");
    }

    /// <summary>Walks every <c>data.pkl</c> in the archive (PyBridge loads the first one).</summary>
    private static void ScanPickles(FileStream file, string path)
    {
        file.Position = 0;
        try
        {
            using var archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var pickles = archive.Entries.Where(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal)).ToList();
            if (pickles.Count == 0)
            {
                throw new BadInputException($"{path}: zip archive has no data.pkl entry, so it is not a torch.save checkpoint");
            }

            foreach (var entry in pickles)
            {
                var bytes = ReadEntry(entry, path);
                PickleGlobalScanner.Scan(bytes, $"{path}: {entry.FullName}");
                PickleStorageCheck.Check(archive, entry, bytes, path);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new BadInputException($"{path}: not a readable zip archive (truncated or corrupt): {e.Message}", e);
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string path)
    {
        if (entry.Length > MaxPickleBytes)
        {
            throw new BadInputException($"{path}: {entry.FullName} is {entry.Length} bytes, more than the {MaxPickleBytes}-byte limit for a pickle");
        }

        var bytes = new byte[entry.Length];
        using var stream = entry.Open();
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static Hashtable Unpickle(FileStream file, string path)
    {
        try
        {
            return PyTorchUnpickler.UnpickleStateDict(file, true, false); // leaveOpen: true, skipTensorRead: false
        }
        catch (Exception e) when (e is not BadInputException and not OutOfMemoryException)
        {
            var firstLine = e.Message.Split('\n', 2)[0].Trim();
            var hint = firstLine.Contains("setStorage", StringComparison.Ordinal) || firstLine.Contains("non-contiguous", StringComparison.Ordinal)
                ? "; a tensor is a view into part of a shared storage (non-zero storage offset or non-contiguous strides), "
                  + "which TorchSharp.PyBridge cannot rebuild: re-save with every tensor made contiguous and unshared "
                  + "({k: v.contiguous().clone() for k, v in sd.items()}) or as safetensors"
                : string.Empty;
            throw new BadInputException($"{path}: cannot unpickle the checkpoint ({e.GetType().Name}: {firstLine}){hint}", e);
        }
    }

    private static List<KeyValuePair<string, Tensor>> ToTensors(Hashtable table, string path)
    {
        var source = Unwrap(table);
        var tensors = new List<KeyValuePair<string, Tensor>>(source.Count);
        foreach (DictionaryEntry item in source)
        {
            if (item.Key is not string key || item.Value is not Tensor tensor)
            {
                DisposeAll(table);
                throw new BadInputException(
                    $"{path}: entry '{item.Key}' holds {Describe(item.Value)}, not a tensor; expected a state dict of tensors (torch.save(model.state_dict(), ...))");
            }

            tensors.Add(new(key, tensor));
        }

        DisposeAll(table, keep: source);
        return tensors.ConvertAll(t => new KeyValuePair<string, Tensor>(t.Key, OnCpu(t.Value)));
    }

    /// <summary>A checkpoint that wraps its state dict in <c>{"state_dict": {...}, ...}</c> gives the inner dict.</summary>
    private static Hashtable Unwrap(Hashtable table)
    {
        if (table.Values.OfType<Tensor>().Any())
        {
            return table;
        }

        foreach (var key in WrapperKeys)
        {
            if (table[key] is Hashtable inner && inner.Count > 0 && inner.Values.Cast<object?>().All(v => v is Tensor))
            {
                return inner;
            }
        }

        return table;
    }

    private static Tensor OnCpu(Tensor tensor)
    {
        if (tensor.device_type == DeviceType.CPU)
        {
            return tensor;
        }

        var moved = tensor.cpu();
        tensor.Dispose();
        return moved;
    }

    private static void DisposeAll(object? value, Hashtable? keep = null)
    {
        switch (value)
        {
            case Tensor tensor:
                tensor.Dispose();
                break;
            case Hashtable table when !ReferenceEquals(table, keep):
                foreach (DictionaryEntry item in table)
                {
                    DisposeAll(item.Value, keep);
                }

                break;
            case ICollection items and not Hashtable:
                foreach (var item in items)
                {
                    DisposeAll(item, keep);
                }

                break;
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        Hashtable => "a nested dict",
        _ => $"a {value.GetType().Name} ({value})",
    };
}
