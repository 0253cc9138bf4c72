using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// Checks a <c>torch.save</c> archive's storages against its tensors before anything is unpickled: each storage entry
/// <c>data/KEY</c> must hold exactly the bytes its declared element count needs, and each tensor's offset, sizes and
/// strides must stay inside its storage — otherwise a short storage would be read as zeros. The state dict's pickle is
/// evaluated symbolically (strings, numbers, tuples, dicts, the persistent storage ids and
/// <c>_rebuild_tensor_v2</c> calls); a pickle using anything else is left to the unpickler.
/// </summary>
internal static class PickleStorageCheck
{
    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = 4, ["DoubleStorage"] = 8, ["HalfStorage"] = 2, ["BFloat16Storage"] = 2, ["LongStorage"] = 8,
        ["IntStorage"] = 4, ["ShortStorage"] = 2, ["CharStorage"] = 1, ["ByteStorage"] = 1, ["BoolStorage"] = 1,
    };

    public static void Check(ZipArchive archive, ZipArchiveEntry pickle, byte[] bytes, string path)
    {
        var tensors = Evaluate(bytes);
        if (tensors is null)
        {
            return;
        }

        string prefix = pickle.FullName[..^"data.pkl".Length];
        var entries = archive.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            var storage = tensor.Storage;
            if (!ElementSizes.TryGetValue(storage.Type, out int elementSize))
            {
                continue;
            }

            string entryName = $"{prefix}data/{storage.Key}";
            if (!entries.TryGetValue(entryName, out var entry))
            {
                throw new BadInputException($"{path}: tensor '{name}' reads storage {entryName}, which the archive does not hold");
            }

            long declared = storage.Numel * elementSize;
            if (entry.Length != declared)
            {
                throw new BadInputException(
                    $"{path}: tensor '{name}': storage {entryName} holds {entry.Length} bytes but declares {storage.Numel} {storage.Type} elements ({declared} bytes)");
            }

            long needed = tensor.Size.Any(s => s == 0) ? 0 : tensor.Offset + 1 + tensor.Size.Zip(tensor.Stride, (s, t) => (s - 1) * t).Sum();
            if (needed > storage.Numel)
            {
                throw new BadInputException(
                    $"{path}: tensor '{name}' of shape [{string.Join(", ", tensor.Size)}] needs {needed} elements of storage {entryName}, which holds {storage.Numel}");
            }
        }
    }

    private sealed record Global(string Name);

    private sealed record StorageRef(string Type, string Key, long Numel);

    private sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

    private sealed class Mark;

    /// <summary>The state dict's tensors by key, or null when the pickle holds something this evaluator does not follow.</summary>
    private static List<(string Name, TensorRef Tensor)>? Evaluate(byte[] p)
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        var mark = new Mark();
        object? Pop()
        {
            var top = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return top;
        }

        List<object?> PopToMark()
        {
            int at = stack.FindLastIndex(o => ReferenceEquals(o, mark));
            var items = stack.GetRange(at + 1, stack.Count - at - 1);
            stack.RemoveRange(at, stack.Count - at);
            return items;
        }

        string Line(ref int i)
        {
            int end = Array.IndexOf(p, (byte)'\n', i);
            var text = Encoding.ASCII.GetString(p, i, end - i);
            i = end + 1;
            return text;
        }

        try
        {
            int i = 0;
            while (i < p.Length)
            {
                byte op = p[i++];
                switch (op)
                {
                    case 0x80: i += 1; break;
                    case 0x95: i += 8; break;
                    case (byte)'}': stack.Add(new List<(object?, object?)>()); break;
                    case (byte)']': stack.Add(new List<object?>()); break;
                    case (byte)')': stack.Add(Array.Empty<object?>()); break;
                    case (byte)'(': stack.Add(mark); break;
                    case (byte)'N': stack.Add(null); break;
                    case 0x88: stack.Add(true); break;
                    case 0x89: stack.Add(false); break;
                    case (byte)'q': memo[p[i]] = stack[^1]; i += 1; break;
                    case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(i))] = stack[^1]; i += 4; break;
                    case 0x94: memo[memo.Count] = stack[^1]; break;
                    case (byte)'h': stack.Add(memo[p[i]]); i += 1; break;
                    case (byte)'j': stack.Add(memo[BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(i))]); i += 4; break;
                    case (byte)'K': stack.Add((long)p[i]); i += 1; break;
                    case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(i))); i += 2; break;
                    case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(i))); i += 4; break;
                    case 0x8a:
                        {
                            int n = p[i++];
                            long v = 0;
                            for (int k = n - 1; k >= 0; k--)
                            {
                                v = (v << 8) | p[i + k];
                            }

                            if (n > 0 && n < 8 && (p[i + n - 1] & 0x80) != 0)
                            {
                                v -= 1L << (8 * n);
                            }

                            stack.Add(n > 8 ? null : v);
                            i += n;
                            break;
                        }

                    case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(p.AsSpan(i))); i += 8; break;
                    case (byte)'X': { int n = (int)BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(i)); stack.Add(Encoding.UTF8.GetString(p, i + 4, n)); i += 4 + n; break; }
                    case 0x8c: { int n = p[i]; stack.Add(Encoding.UTF8.GetString(p, i + 1, n)); i += 1 + n; break; }
                    case (byte)'c': { string module = Line(ref i); string name = Line(ref i); stack.Add(new Global($"{module} {name}")); break; }
                    case 0x93: { var name = Pop(); var module = Pop(); stack.Add(new Global($"{module} {name}")); break; }
                    case (byte)'t': stack.Add(PopToMark().ToArray()); break;
                    case 0x85: stack.Add(new[] { Pop() }); break;
                    case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                    case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                    case (byte)'Q': stack.Add(Persistent(Pop())); break;
                    case (byte)'R': { var args = Pop() as object?[]; var callable = Pop() as Global; stack.Add(Reduce(callable, args)); break; }
                    case (byte)'b': Pop(); break; // BUILD: the state (e.g. a state dict's _metadata) is not needed
                    case (byte)'s': { var v = Pop(); var k = Pop(); (stack[^1] as List<(object?, object?)>)?.Add((k, v)); break; }
                    case (byte)'u':
                        {
                            var items = PopToMark();
                            var dict = stack[^1] as List<(object?, object?)>;
                            for (int k = 0; k + 1 < items.Count; k += 2)
                            {
                                dict?.Add((items[k], items[k + 1]));
                            }

                            break;
                        }

                    case (byte)'a': { var v = Pop(); (stack[^1] as List<object?>)?.Add(v); break; }
                    case (byte)'e': { var items = PopToMark(); (stack[^1] as List<object?>)?.AddRange(items); break; }
                    case (byte)'.':
                        return Tensors(stack.Count == 1 ? stack[0] : null);
                    default:
                        return null; // an opcode torch.save's state dicts do not use: leave the file to the unpickler
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or KeyNotFoundException or InvalidCastException or OverflowException)
        {
            return null; // malformed: the scanner and the unpickler report it
        }

        return null;
    }

    private static object? Persistent(object? id) =>
        id is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is Global type && t[2] is string key && t[4] is long numel
            ? new StorageRef(type.Name.Split(' ')[^1], key, numel)
            : null;

    private static object? Reduce(Global? callable, object?[]? args)
    {
        if (callable?.Name == "torch._utils _rebuild_tensor_v2" && args is { Length: >= 4 } a && a[0] is StorageRef storage && a[1] is long offset
            && a[2] is object?[] size && a[3] is object?[] stride && size.All(s => s is long) && stride.All(s => s is long) && size.Length == stride.Length)
        {
            return new TensorRef(storage, offset, size.Cast<long>().ToArray(), stride.Cast<long>().ToArray());
        }

        return callable?.Name == "collections OrderedDict" ? new List<(object?, object?)>() : new object();
    }

    private static List<(string Name, TensorRef Tensor)>? Tensors(object? root)
    {
        if (root is not List<(object?, object?)> dict)
        {
            return null;
        }

        var nested = dict.Where(kv => kv.Item1 is "state_dict" or "model_state_dict" or "model").Select(kv => kv.Item2).OfType<List<(object?, object?)>>().FirstOrDefault();
        var items = dict.Any(kv => kv.Item2 is TensorRef) ? dict : nested ?? dict;
        return items.Where(kv => kv.Item1 is string && kv.Item2 is TensorRef).Select(kv => ((string)kv.Item1!, (TensorRef)kv.Item2!)).ToList();
    }
}
