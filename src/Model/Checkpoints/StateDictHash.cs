using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// SHA-256 of a state dict held in memory (models with no weights file, such as the zoo's): for each key in ordinal
/// order, the key, its shape and its values as little-endian float32.
/// </summary>
public static class StateDictHash
{
    public static string Sha256(IReadOnlyDictionary<string, Tensor> weights)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var key in weights.Keys.Order(StringComparer.Ordinal))
        {
            using var scope = NewDisposeScope();
            var value = weights[key].detach().to(ScalarType.Float32).to(CPU).contiguous(); // [...]
            hash.AppendData(Encoding.UTF8.GetBytes($"{key}[{string.Join(",", value.shape)}]\n"));
            var floats = value.data<float>().ToArray();
            var bytes = new byte[floats.Length * sizeof(float)];
            Buffer.BlockCopy(floats, 0, bytes, 0, bytes.Length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
