namespace CircuitFinder.Graph;

/// <summary>
/// Hash codes for nodes and edges that spread well and are the same in every process (a graph's millions of edges
/// live in hash sets; string hashes are randomised per process, so position labels are hashed here).
/// </summary>
internal static class StableHash
{
    /// <summary>The splitmix64 finaliser: every input bit moves every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }

    /// <summary>FNV-1a over the characters, mixed.</summary>
    public static ulong Of(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return Mix(h);
    }
}
