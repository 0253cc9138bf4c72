namespace CircuitFinder.Model.Checkpoints;

/// <summary>
/// The globals <c>torch.save</c> writes for a state dict: the ordered dict, the tensor rebuilders and
/// the typed storages of the standard dtypes. Anything else in a checkpoint's pickle is refused.
/// </summary>
internal static class PickleGlobalAllowList
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch.FloatStorage",
        "torch.DoubleStorage",
        "torch.HalfStorage",
        "torch.BFloat16Storage",
        "torch.LongStorage",
        "torch.IntStorage",
        "torch.ShortStorage",
        "torch.CharStorage",
        "torch.ByteStorage",
        "torch.BoolStorage",
    };

    public static bool Allows(string module, string name) => Allowed.Contains($"{module}.{name}");
}
