namespace CircuitFinder.Model.Tokenizers;

/// <summary>
/// GPT-2's bytes_to_unicode: each byte gets a printable character, so a byte-level BPE vocabulary
/// can be written as text. Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for
/// themselves; the other 68 bytes take U+0100, U+0101, ... in byte order (space is 'Ġ', '\n' is 'Ċ').
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] CharOfByte = BuildCharOfByte();

    private static readonly Dictionary<char, byte> ByteOfChar =
        Enumerable.Range(0, 256).ToDictionary(b => CharOfByte[b], b => (byte)b);

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => CharOfByte[value];

    /// <summary>The byte a character stands for, or false when it is not one of the 256 byte characters.</summary>
    public static bool TryToByte(char c, out byte value) => ByteOfChar.TryGetValue(c, out value);

    /// <summary>The byte-level form of a byte sequence: one character per byte.</summary>
    public static string ToText(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = CharOfByte[bytes[i]];
        }

        return new string(chars);
    }

    private static char[] BuildCharOfByte()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }
}
