namespace CircuitFinder.Patching.Diff;

/// <summary>
/// A run of at most n_ctx tokens of the text starting at token <see cref="Start"/>. Windows overlap by one token, so the
/// logits at each window position but the last predict the next token of the text exactly once.
/// </summary>
internal sealed record TextWindow(int Start, IReadOnlyList<int> Ids)
{
    /// <summary>The positions (text indices) whose next token this window predicts.</summary>
    public IEnumerable<int> Predicted => Enumerable.Range(Start, Ids.Count - 1);

    /// <summary>
    /// The windows of <paramref name="tokens"/>: the whole text where it fits in <paramref name="nCtx"/>; windows of
    /// <paramref name="nCtx"/> tokens (overlapping by one) with <paramref name="chunk"/>; otherwise bad input.
    /// </summary>
    public static IReadOnlyList<TextWindow> Split(IReadOnlyList<int> tokens, int nCtx, bool chunk)
    {
        if (tokens.Count <= nCtx)
        {
            return [new TextWindow(0, tokens)];
        }

        if (!chunk)
        {
            throw new BadInputException(
                $"the text is {tokens.Count} tokens long, more than n_ctx = {nCtx} (the smaller of the two models'); give --chunk to run it in windows of {nCtx} tokens, or a shorter text");
        }

        if (nCtx < 2)
        {
            throw new BadInputException($"--chunk: n_ctx = {nCtx} is too short for windows that predict a token");
        }

        var windows = new List<TextWindow>();
        for (int start = 0; start + 1 < tokens.Count; start += nCtx - 1)
        {
            int length = Math.Min(nCtx, tokens.Count - start);
            windows.Add(new TextWindow(start, tokens.Skip(start).Take(length).ToList()));
        }

        return windows;
    }
}
