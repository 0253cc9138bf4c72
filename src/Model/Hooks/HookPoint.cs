using TorchSharp;
using static TorchSharp.torch;

namespace CircuitFinder.Model.Hooks;

/// <summary>
/// An identity module at a named place in the model (TransformerLens' <c>HookPoint</c>). With no hook
/// attached it returns its input untouched, so the plain path pays one list-count check.
/// </summary>
public sealed class HookPoint : nn.Module<Tensor, Tensor>
{
    private readonly List<(long Id, HookFunction Function)> _hooks = new();
    private long _nextId;

    public HookPoint()
        : base(nameof(HookPoint))
    {
    }

    /// <summary>The full hook name, e.g. <c>blocks.0.attn.hook_z</c>; set by the model after construction.</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>Whether attached hooks run: false while the model runs a route that fires none (see <c>IResidualRoute.FiresHooks</c>).</summary>
    public bool Enabled { get; internal set; } = true;

    public bool HasHooks => Enabled && _hooks.Count > 0;

    /// <summary>The number of hooks attached, whether or not they are <see cref="Enabled"/>.</summary>
    public int HookCount => _hooks.Count;

    public override Tensor forward(Tensor input)
    {
        if (!HasHooks)
        {
            return input;
        }

        var x = input;
        foreach (var (_, function) in _hooks.ToArray())
        {
            var replaced = function(x, this);
            if (replaced is not null)
            {
                if (!replaced.shape.SequenceEqual(x.shape))
                {
                    throw new InvalidOperationException(
                        $"hook on {Name} returned shape [{string.Join(", ", replaced.shape)}], expected [{string.Join(", ", x.shape)}]");
                }

                x = replaced;
            }
        }

        return x;
    }

    /// <summary>Attaches a hook; dispose the handle to remove it.</summary>
    public HookHandle Add(HookFunction function)
    {
        long id = _nextId++;
        _hooks.Add((id, function));
        return new HookHandle(() => _hooks.RemoveAll(h => h.Id == id));
    }

    /// <summary>Removes every hook on this point.</summary>
    public void Clear() => _hooks.Clear();
}
