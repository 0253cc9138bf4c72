using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Engine;

/// <summary>
/// Which position group each row of a batch belongs to, for a run on a positional graph: <see cref="Flat"/>
/// <c>[b·p]</c> (prompt-major, as the delta buffer's rows) and per group a 0/1 row mask <c>[b, p, 1]</c> that an ablated
/// positional edge's delta is multiplied by before it is subtracted (made once per group and run, in the run's dispose scope).
/// </summary>
internal sealed class PositionRows
{
    private readonly Tensor _groups; // [b, p]
    private readonly Tensor[] _masks; // per group [b, p, 1], made in the run's dispose scope (not a block's)

    public PositionRows(Tensor groups, int count, ScalarType dtype)
    {
        _groups = groups.to(ScalarType.Int64);
        Count = count;
        Flat = _groups.reshape(-1); // [b·p]
        _masks = Enumerable.Range(0, count).Select(g => _groups.eq(g).to(dtype).unsqueeze(-1)).ToArray(); // [b, p, 1] each
    }

    /// <summary>Number of groups.</summary>
    public int Count { get; }

    /// <summary>Each row's group, <c>[b·p]</c>.</summary>
    public Tensor Flat { get; }

    /// <summary>The groups of <paramref name="input"/>'s rows: its own, or each position's index when <paramref name="byPosition"/>.</summary>
    public static PositionRows For(PatchingInput input, int count, bool byPosition, ScalarType dtype)
    {
        long b = input.Batch, p = input.Positions;
        var groups = byPosition
            ? arange(p, ScalarType.Int64, input.Tokens.device).unsqueeze(0).expand(b, p) // [b, p]
            : input.PositionGroups ?? throw new ArgumentException("a graph split by word labels needs each position's group (PatchingInput.PositionGroups)");
        return new PositionRows(groups, count, dtype);
    }

    /// <summary>1 at the rows of group <paramref name="group"/>, else 0: <c>[b, p, 1]</c>.</summary>
    public Tensor Mask(int group) => _masks[group];

    /// <summary><paramref name="delta"/> <c>[b, p, d]</c> restricted to group <paramref name="group"/>'s rows (all rows for -1).</summary>
    public Tensor Restrict(Tensor delta, int group) => group < 0 ? delta : delta * Mask(group);
}
