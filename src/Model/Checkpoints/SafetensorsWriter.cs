using System.Buffers.Binary;
using System.Text;
using Newtonsoft.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// Writes the safetensors format deterministically: tensors sorted by key (ordinal), the JSON header
/// padded with spaces to a multiple of 8 bytes, data contiguous in key order. The file appears
/// atomically: it is written beside the target and moved over it, and removed on failure.
/// </summary>
public static class SafetensorsWriter
{
    private const int CopyBufferBytes = 1 << 20;

    public static void Write(
        string path,
        IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var keys = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var header = HeaderBytes(keys, tensors, metadata);
        AtomicFile.Write(path, file =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            file.Write(length);
            file.Write(header);
            foreach (var key in keys)
            {
                WriteData(file, tensors[key]);
            }
        });
    }

    private static void WriteData(Stream file, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var contiguous = tensor.detach().cpu().contiguous(); // same shape as tensor
        if (contiguous.NumberOfElements > 0)
        {
            contiguous.WriteBytesToStream(file, CopyBufferBytes);
        }
    }

    private static byte[] HeaderBytes(
        string[] keys,
        IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        using (var json = new JsonTextWriter(text) { Formatting = Formatting.None })
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WritePropertyName("__metadata__");
                json.WriteStartObject();
                foreach (var (name, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    json.WritePropertyName(name);
                    json.WriteValue(value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var key in keys)
            {
                offset = WriteEntry(json, key, tensors[key], offset);
            }

            json.WriteEndObject();
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        int padded = (bytes.Length + 7) / 8 * 8;
        var header = new byte[padded];
        bytes.CopyTo(header, 0);
        header.AsSpan(bytes.Length).Fill((byte)' ');
        return header;
    }

    private static long WriteEntry(JsonWriter json, string key, Tensor tensor, long offset)
    {
        if (key == "__metadata__")
        {
            throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor", nameof(key));
        }

        if (!SafetensorsDType.TryName(tensor.dtype, out var dtypeName))
        {
            throw new ArgumentException($"tensor '{key}' has dtype {tensor.dtype}, which safetensors writing does not support ({SafetensorsDType.SupportedNames})", nameof(tensor));
        }

        long end = offset + tensor.NumberOfElements * tensor.ElementSize;
        json.WritePropertyName(key);
        json.WriteStartObject();
        json.WritePropertyName("dtype");
        json.WriteValue(dtypeName);
        json.WritePropertyName("shape");
        json.WriteStartArray();
        foreach (long dim in tensor.shape)
        {
            json.WriteValue(dim);
        }

        json.WriteEndArray();
        json.WritePropertyName("data_offsets");
        json.WriteStartArray();
        json.WriteValue(offset);
        json.WriteValue(end);
        json.WriteEndArray();
        json.WriteEndObject();
        return end;
    }
}
