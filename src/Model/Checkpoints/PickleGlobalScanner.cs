using System.Buffers.Binary;
using System.Text;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// Walks a pickle (protocols 0–5) opcode by opcode without building any object, and refuses it if
/// it names a global that is not on <see cref="PickleGlobalAllowList"/>. <c>GLOBAL</c> and <c>INST</c>
/// carry their names inline; <c>STACK_GLOBAL</c> takes them from the two values pushed just before,
/// which are tracked only while they are plain string pushes or memo gets of such strings; when the
/// names cannot be known for certain the pickle is refused.
/// </summary>
internal static class PickleGlobalScanner
{
    public static void Scan(ReadOnlySpan<byte> pickle, string path)
    {
        var walk = new Walk(path);
        int pos = 0;
        while (pos < pickle.Length)
        {
            int at = pos;
            byte op = pickle[pos++];
            if (op == (byte)'.')
            {
                return; // STOP
            }

            pos = walk.Step(op, pickle, pos, at);
        }

        throw new BadInputException($"{path}: pickle ends after {pickle.Length} bytes without its STOP opcode (truncated)");
    }

    /// <summary>The scanner's state: the memo of known strings and the last two pushed strings.</summary>
    private sealed class Walk(string path)
    {
        private readonly Dictionary<long, string?> _memo = [];
        private string? _top;
        private string? _below;

        public int Step(byte op, ReadOnlySpan<byte> p, int pos, int at)
        {
            switch (op)
            {
                // no argument, no string pushed
                case (byte)'(': case (byte)'0': case (byte)'1': case (byte)'2': case (byte)'N':
                case (byte)'Q': case (byte)'R': case (byte)'a': case (byte)'b': case (byte)'d':
                case (byte)'}': case (byte)'e': case (byte)'l': case (byte)']': case (byte)'o':
                case (byte)'s': case (byte)'t': case (byte)')': case (byte)'u':
                case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89:
                case 0x8f: case 0x90: case 0x91: case 0x92: case 0x97: case 0x98:
                    Forget();
                    return pos;

                // fixed-size arguments
                case (byte)'K': Forget(); return Skip(p, pos, 1, at);
                case (byte)'M': Forget(); return Skip(p, pos, 2, at);
                case (byte)'J': Forget(); return Skip(p, pos, 4, at);
                case (byte)'G': Forget(); return Skip(p, pos, 8, at);
                case 0x80: return Protocol(p, pos, at);
                case 0x95: return Skip(p, pos, 8, at); // FRAME: a size hint, not a value

                // newline-terminated arguments
                case (byte)'F': case (byte)'I': case (byte)'L': case (byte)'P': case (byte)'S':
                    Forget();
                    return Line(p, pos, at, out _);
                case (byte)'V':
                    pos = Line(p, pos, at, out var unicode);
                    Push(IsPlainAscii(unicode) ? Encoding.ASCII.GetString(unicode) : null);
                    return pos;

                // length-prefixed arguments
                case (byte)'T': Forget(); return Counted(p, pos, 4, at, out _);
                case (byte)'U': Forget(); return Counted(p, pos, 1, at, out _);
                case (byte)'B': Forget(); return Counted(p, pos, 4, at, out _);
                case (byte)'C': Forget(); return Counted(p, pos, 1, at, out _);
                case 0x8e: case 0x96: Forget(); return Counted(p, pos, 8, at, out _);
                case 0x8a: Forget(); return Counted(p, pos, 1, at, out _);
                case 0x8b: Forget(); return Counted(p, pos, 4, at, out _);
                case (byte)'X': return PushUtf8(p, Counted(p, pos, 4, at, out var x), x);
                case 0x8c: return PushUtf8(p, Counted(p, pos, 1, at, out var s), s);
                case 0x8d: return PushUtf8(p, Counted(p, pos, 8, at, out var l), l);

                // memo
                case (byte)'g': pos = Line(p, pos, at, out var g); Push(Get(ParseIndex(g, at))); return pos;
                case (byte)'h': Push(Get(p[pos])); return Skip(p, pos, 1, at);
                case (byte)'j': pos = Skip(p, pos, 4, at); Push(Get(BinaryPrimitives.ReadUInt32LittleEndian(p[(pos - 4)..]))); return pos;
                case (byte)'p': pos = Line(p, pos, at, out var put); _memo[ParseIndex(put, at)] = _top; return pos;
                case (byte)'q': pos = Skip(p, pos, 1, at); _memo[p[pos - 1]] = _top; return pos;
                case (byte)'r': pos = Skip(p, pos, 4, at); _memo[BinaryPrimitives.ReadUInt32LittleEndian(p[(pos - 4)..])] = _top; return pos;
                case 0x94: _memo[_memo.Count] = _top; return pos;

                // globals
                case (byte)'c': case (byte)'i': return InlineGlobal(p, pos, at);
                case 0x93: return StackGlobal(pos, at);
                case 0x82: case 0x83: case 0x84:
                    throw Refuse($"uses the extension registry (opcode 0x{op:x2} at byte {at}), whose globals cannot be checked");
                default:
                    throw Refuse($"has unknown opcode 0x{op:x2} at byte {at}");
            }
        }

        private int Protocol(ReadOnlySpan<byte> p, int pos, int at)
        {
            pos = Skip(p, pos, 1, at);
            return p[pos - 1] <= 5 ? pos : throw Refuse($"declares protocol {p[pos - 1]} at byte {at}; only protocols up to 5 exist");
        }

        private int InlineGlobal(ReadOnlySpan<byte> p, int pos, int at)
        {
            pos = Line(p, pos, at, out var module);
            pos = Line(p, pos, at, out var name);
            Check(Utf8(module, at), Utf8(name, at));
            Forget();
            return pos;
        }

        private int StackGlobal(int pos, int at)
        {
            if (_top is null || _below is null)
            {
                throw Refuse($"uses STACK_GLOBAL at byte {at} with a module or name that cannot be determined; refusing to load it");
            }

            Check(_below, _top);
            Forget();
            return pos;
        }

        private void Check(string module, string name)
        {
            if (!PickleGlobalAllowList.Allows(module, name))
            {
                throw new BadInputException(
                    $"{path}: pickle references the global '{module}.{name}', which is not a tensor-rebuilding global torch.save writes; refusing to load it");
            }
        }

        private int PushUtf8(ReadOnlySpan<byte> p, int end, int length)
        {
            try
            {
                Push(new UTF8Encoding(false, true).GetString(p.Slice(end - length, length)));
            }
            catch (DecoderFallbackException)
            {
                Push(null);
            }

            return end;
        }

        private void Push(string? value)
        {
            _below = _top;
            _top = value;
        }

        private void Forget()
        {
            _top = null;
            _below = null;
        }

        private string? Get(long index) => _memo.TryGetValue(index, out var value) ? value : null;

        private int Skip(ReadOnlySpan<byte> p, int pos, int count, int at) =>
            p.Length - pos >= count ? pos + count : throw Truncated(at);

        private int Counted(ReadOnlySpan<byte> p, int pos, int prefix, int at, out int length)
        {
            pos = Skip(p, pos, prefix, at);
            var bytes = p.Slice(pos - prefix, prefix);
            ulong count = prefix switch
            {
                1 => bytes[0],
                4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            };
            if (count > (ulong)(p.Length - pos))
            {
                throw Truncated(at);
            }

            length = (int)count;
            return pos + length;
        }

        private int Line(ReadOnlySpan<byte> p, int pos, int at, out byte[] line)
        {
            int newline = p[pos..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                throw Truncated(at);
            }

            line = p.Slice(pos, newline).ToArray();
            return pos + newline + 1;
        }

        private long ParseIndex(byte[] line, int at) =>
            long.TryParse(Encoding.ASCII.GetString(line), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long index)
                ? index
                : throw Refuse($"has a memo index '{Encoding.ASCII.GetString(line)}' at byte {at} that is not a number");

        private string Utf8(byte[] bytes, int at)
        {
            try
            {
                return new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Refuse($"names a global at byte {at} that is not valid UTF-8");
            }
        }

        private static bool IsPlainAscii(byte[] bytes) => bytes.All(b => b is >= 0x20 and < 0x7f and not (byte)'\\');

        private BadInputException Truncated(int at) => Refuse($"is truncated inside the opcode at byte {at}");

        private BadInputException Refuse(string problem) => new($"{path}: pickle {problem}");
    }
}
