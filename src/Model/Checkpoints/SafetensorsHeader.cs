using System.Buffers.Binary;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// The validated header of a safetensors file: every entry's dtype, shape and byte range checked
/// against the file's real length before any tensor memory is allocated.
/// </summary>
internal sealed record SafetensorsHeader(
    IReadOnlyList<SafetensorsEntry> Entries,
    IReadOnlyDictionary<string, string> Metadata,
    long DataStart)
{
    /// <summary>The reference implementation refuses headers above 100 MB; so do we.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Reads and validates the header from the start of <paramref name="file"/>.</summary>
    public static SafetensorsHeader Read(Stream file, string path)
    {
        long fileLength = file.Length;
        if (fileLength < 8)
        {
            throw Bad(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        file.Position = 0;
        file.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
        {
            throw Bad(path, $"header length {headerLength} bytes is larger than the {fileLength - 8} bytes after it (truncated or not a safetensors file)");
        }

        if (headerLength > MaxHeaderBytes)
        {
            throw Bad(path, $"header length {headerLength} bytes exceeds the {MaxHeaderBytes}-byte limit");
        }

        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        var root = ParseJson(headerBytes, path);
        return FromJson(root, path, dataLength: fileLength - dataStart, dataStart);
    }

    private static JObject ParseJson(byte[] headerBytes, string path)
    {
        try
        {
            using var text = new StreamReader(new MemoryStream(headerBytes), new System.Text.UTF8Encoding(false, true));
            using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None, MaxDepth = 16 };
            var token = JToken.ReadFrom(reader, new JsonLoadSettings { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
            if (reader.Read())
            {
                throw Bad(path, "header has content after its JSON object");
            }

            return token as JObject ?? throw Bad(path, $"header is JSON {token.Type}, not an object");
        }
        catch (Exception e) when (e is JsonException or System.Text.DecoderFallbackException)
        {
            throw new BadInputException($"{path}: safetensors header is not valid JSON: {e.Message}", e);
        }
    }

    private static SafetensorsHeader FromJson(JObject root, string path, long dataLength, long dataStart)
    {
        var entries = new List<SafetensorsEntry>();
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
        foreach (var property in root.Properties())
        {
            if (property.Name == MetadataKey)
            {
                metadata = ParseMetadata(property.Value, path);
            }
            else
            {
                entries.Add(ParseEntry(property.Name, property.Value, path, dataLength));
            }
        }

        CheckCoverage(entries, path, dataLength);
        return new SafetensorsHeader(entries, metadata, dataStart);
    }

    /// <summary>
    /// As the reference implementation: the entries, by offset, tile the data buffer exactly — no two overlap (one
    /// tensor's bytes read as another's), no gap, no trailing bytes after the last.
    /// </summary>
    private static void CheckCoverage(List<SafetensorsEntry> entries, string path, long dataLength)
    {
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long covered = 0;
        SafetensorsEntry? previous = null;
        foreach (var entry in ordered)
        {
            if (entry.Begin < covered)
            {
                throw Bad(path, $"entry '{entry.Name}' (data_offsets [{entry.Begin}, {entry.End}]) overlaps entry '{previous!.Name}' (data_offsets [{previous.Begin}, {previous.End}])");
            }

            if (entry.Begin > covered)
            {
                throw Bad(path, $"bytes [{covered}, {entry.Begin}) before entry '{entry.Name}' belong to no tensor");
            }

            covered = entry.End;
            previous = entry;
        }

        if (covered != dataLength)
        {
            string after = previous is null ? "the header (no tensors)" : $"the last tensor '{previous.Name}'";
            throw Bad(path, $"{dataLength - covered} trailing bytes after {after}");
        }
    }

    private static Dictionary<string, string> ParseMetadata(JToken value, string path)
    {
        if (value is not JObject obj)
        {
            throw Bad(path, $"'{MetadataKey}' is {value.Type}, not an object of strings");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in obj.Properties())
        {
            metadata[item.Name] = item.Value is JValue { Type: JTokenType.String, Value: string s }
                ? s
                : throw Bad(path, $"'{MetadataKey}' field '{item.Name}' is {item.Value.Type}, not a string");
        }

        return metadata;
    }

    private static SafetensorsEntry ParseEntry(string name, JToken value, string path, long dataLength)
    {
        if (value is not JObject obj)
        {
            throw Bad(path, $"entry '{name}' is {value.Type}, not an object");
        }

        var dtypeName = obj["dtype"] is JValue { Type: JTokenType.String, Value: string d }
            ? d
            : throw Bad(path, $"entry '{name}' lacks a string 'dtype'");
        if (!SafetensorsDType.TryParse(dtypeName, out var dtype, out int elementSize))
        {
            throw Bad(path, $"entry '{name}' has unknown dtype '{dtypeName}' (supported: {SafetensorsDType.SupportedNames})");
        }

        var shape = ReadIntegers(obj["shape"], name, "shape", path);
        var offsets = ReadIntegers(obj["data_offsets"], name, "data_offsets", path);
        if (offsets.Length != 2)
        {
            throw Bad(path, $"entry '{name}' has {offsets.Length} data_offsets, expected [begin, end]");
        }

        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin || end > dataLength)
        {
            throw Bad(path, $"entry '{name}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data buffer");
        }

        long expected = ByteLength(shape, elementSize, name, path);
        if (end - begin != expected)
        {
            throw Bad(path, $"entry '{name}' has shape [{string.Join(", ", shape)}] {dtypeName} = {expected} bytes but data_offsets span {end - begin} bytes");
        }

        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JToken? token, string name, string field, string path)
    {
        if (token is not JArray array)
        {
            throw Bad(path, $"entry '{name}' lacks an array '{field}'");
        }

        var values = new long[array.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = array[i] is JValue { Type: JTokenType.Integer, Value: long v } && v >= 0
                ? v
                : throw Bad(path, $"entry '{name}' field '{field}' item {i} is '{array[i]}', not a non-negative integer");
        }

        return values;
    }

    private static long ByteLength(long[] shape, int elementSize, string name, string path)
    {
        try
        {
            long bytes = elementSize;
            foreach (long dim in shape)
            {
                bytes = checked(bytes * dim);
            }

            return bytes;
        }
        catch (OverflowException)
        {
            throw Bad(path, $"entry '{name}' has shape [{string.Join(", ", shape)}] whose byte length overflows");
        }
    }

    private static BadInputException Bad(string path, string problem) => new($"{path}: safetensors {problem}");
}
