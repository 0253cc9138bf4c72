namespace CircuitFinder.Patching.ActivationPatching;

/// <summary>
/// One patch of <see cref="ActivationPatcher.Patch"/>: the layer, the position (the query position for a pattern; null:
/// every position at once) and the head (null: the whole activation; for <c>k</c>/<c>v</c> under grouped-query attention a
/// key/value head).
/// </summary>
public sealed record PatchCell(int Layer, int? Position, int? Head);
