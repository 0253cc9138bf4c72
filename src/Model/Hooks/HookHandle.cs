namespace CircuitFinder.Model.Hooks;

/// <summary>Removes one or more hooks when disposed; disposing twice is harmless.</summary>
public sealed class HookHandle : IDisposable
{
    private Action? _remove;

    public HookHandle(Action remove)
    {
        _remove = remove;
    }

    /// <summary>One handle that removes all of <paramref name="handles"/>.</summary>
    public static HookHandle Combine(IEnumerable<HookHandle> handles)
    {
        var list = handles.ToList();
        return new HookHandle(() =>
        {
            foreach (var h in list)
            {
                h.Dispose();
            }
        });
    }

    public void Dispose()
    {
        _remove?.Invoke();
        _remove = null;
    }
}
