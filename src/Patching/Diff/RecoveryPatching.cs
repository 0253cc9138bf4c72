using System.Globalization;
using CircuitFinder.Graph.Diff;
using CircuitFinder.Graph.Views;
using CircuitFinder.Model;
using CircuitFinder.Model.Hooks;
using static TorchSharp.torch;

namespace CircuitFinder.Patching.Diff;

/// <summary>
/// Activation patching from B into A: B is run once per window with a cache, then A is run with one component's
/// activation replaced by B's at every position (each head's <c>hook_result</c>, each <c>hook_mlp_out</c>, each layer's
/// <c>hook_resid_pre</c> and the last <c>hook_resid_post</c>), and the log-probability of the actual next token is read at
/// the selected positions. A component's recovery is Σ (log p_patched − log p_A) / Σ (log p_B − log p_A) over them.
/// The heads of one layer are patched in one forward pass over copies of the window.
/// </summary>
internal static class RecoveryPatching
{
    /// <summary>Logit elements one patched forward pass may hold (copies × positions × vocabulary).</summary>
    private const long LogitBudget = 1L << 26;

    public static PatchingDiff? Compare(
        HookedTransformer a, HookedTransformer b, IReadOnlyList<TextWindow> windows, TextDiff text, int top, Action<double> progress)
    {
        var selected = text.Positions.Where(p => p.Difference > 0).OrderByDescending(p => p.Difference).ThenBy(p => p.Position).Take(top).ToList();
        if (selected.Count == 0)
        {
            return null;
        }

        double advantage = selected.Sum(p => p.Difference);
        var components = Components(a.Config.NLayers, a.Config.NHeads, a.Config.HasMlp);
        var gains = new double[components.Count];
        var bySite = components.Select((c, i) => (c, i)).GroupBy(p => p.c.Hook).ToList();
        var active = windows.Where(w => selected.Any(p => w.Predicted.Contains(p.Position))).ToList();
        int done = 0, total = active.Count * bySite.Count;
        foreach (var window in active)
        {
            // the selected positions this window predicts, each counted once (the first window that predicts it)
            var local = selected.Where(p => windows.First(w => w.Predicted.Contains(p.Position)) == window).ToList();
            if (local.Count == 0)
            {
                done += bySite.Count;
                continue;
            }

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var hooks = bySite.Select(g => g.Key).ToList();
            var (_, cacheB) = b.RunWithCache(BlackBoxDiff.Tokens(window.Ids, b.Device), hooks, null, new ModelRunOptions { UseAttnResult = true });
            using var owned = cacheB;
            var rows = tensor(local.Select(p => (long)(p.Position - window.Start)).ToArray(), device: a.Device); // [s]
            var next = tensor(local.Select(p => (long)p.NextToken).ToArray(), device: a.Device).unsqueeze(1); // [s, 1]
            double baseline = local.Sum(p => p.LogProbA);
            long vocabulary = a.Config.EffectiveDVocabOut;
            int maxCopies = (int)Math.Max(1, LogitBudget / Math.Max(1, window.Ids.Count * vocabulary));
            foreach (var site in bySite)
            {
                var source = cacheB[site.Key].to(a.Device); // [1, ...]
                foreach (var chunk in site.Chunk(maxCopies))
                {
                    var scores = Patched(a, window.Ids, site.Key, source, chunk.Select(p => p.c.Head).ToList(), rows, next);
                    for (int k = 0; k < chunk.Length; k++)
                    {
                        gains[chunk[k].i] += scores[k] - baseline;
                    }
                }

                progress(++done / (double)total);
            }
        }

        var recoveries = components.Select((c, i) => new PatchRecovery(c.Label, c.Kind, c.Layer, c.Head, gains[i] / advantage))
            .Select((r, i) => (r, i))
            .OrderByDescending(p => p.r.Recovery)
            .ThenBy(p => p.i)
            .Select(p => p.r)
            .ToList();
        return new PatchingDiff(selected.Select(p => p.Position).ToList(), advantage, recoveries);
    }

    /// <summary>
    /// A run on copies of the window, copy k with <paramref name="hook"/> (head <paramref name="heads"/>[k], or the whole
    /// activation where null) replaced by <paramref name="source"/>: Σ log p(next) at the rows per copy.
    /// </summary>
    private static double[] Patched(HookedTransformer a, IReadOnlyList<int> ids, string hook, Tensor source, IReadOnlyList<int?> heads, Tensor rows, Tensor next)
    {
        using var scope = NewDisposeScope();
        int copies = heads.Count;
        var tokens = BlackBoxDiff.Tokens(ids, a.Device).repeat(copies, 1); // [c, n]

        Tensor? Patch(Tensor activation, HookPoint point)
        {
            var patched = activation.clone(); // [c, n, ...]
            for (int k = 0; k < copies; k++)
            {
                if (heads[k] is int h)
                {
                    patched[k].narrow(1, h, 1).copy_(source[0].narrow(1, h, 1)); // [n, 1, d]
                }
                else
                {
                    patched[k].copy_(source[0]);
                }
            }

            return patched;
        }

        var logits = a.RunWithHooks(tokens, [(hook, new HookFunction(Patch))], null, new ModelRunOptions { UseAttnResult = true }); // [c, n, v]
        var picked = logits.index(TensorIndex.Colon, TensorIndex.Tensor(rows)).to(ScalarType.Float64).log_softmax(-1); // [c, s, v]
        var values = picked.gather(2, next.unsqueeze(0).expand(copies, -1, -1)).squeeze(2).sum(1); // [c]
        return BlackBoxDiff.Matrix(values);
    }

    private static List<Component> Components(int layers, int heads, bool mlp)
    {
        var list = new List<Component>();
        for (int l = 0; l < layers; l++)
        {
            list.Add(new Component(string.Create(CultureInfo.InvariantCulture, $"L{l} resid_pre"), "resid", l, null, HookName.ResidPre(l)));
            for (int h = 0; h < heads; h++)
            {
                list.Add(new Component(HeadLabel.Name(l, h), "head", l, h, HookName.Result(l)));
            }

            if (mlp)
            {
                list.Add(new Component(string.Create(CultureInfo.InvariantCulture, $"MLP{l}"), "mlp", l, null, HookName.MlpOut(l)));
            }
        }

        list.Add(new Component("resid_post", "resid", layers - 1, null, HookName.ResidPost(layers - 1)));
        return list;
    }

    private sealed record Component(string Label, string Kind, int Layer, int? Head, string Hook);
}
