using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>The safetensors dtype names we read and write, with their TorchSharp types and sizes.</summary>
internal static class SafetensorsDType
{
    private static readonly (string Name, ScalarType Type, int Size)[] Known =
    [
        ("F64", ScalarType.Float64, 8),
        ("F32", ScalarType.Float32, 4),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8),
        ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2),
        ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1),
        ("BOOL", ScalarType.Bool, 1),
    ];

    /// <summary>Every name we accept, for error messages.</summary>
    public static string SupportedNames => string.Join(", ", Known.Select(k => k.Name));

    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        foreach (var known in Known)
        {
            if (known.Name == name)
            {
                type = known.Type;
                size = known.Size;
                return true;
            }
        }

        type = default;
        size = 0;
        return false;
    }

    public static bool TryName(ScalarType type, out string name)
    {
        foreach (var known in Known)
        {
            if (known.Type == type)
            {
                name = known.Name;
                return true;
            }
        }

        name = string.Empty;
        return false;
    }
}
