using static TorchSharp.torch;

namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// One tensor described by a safetensors header, already validated: its bytes lie at
/// [<see cref="Begin"/>, <see cref="End"/>) of the data buffer and their count is numel × element size.
/// </summary>
internal sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End);
