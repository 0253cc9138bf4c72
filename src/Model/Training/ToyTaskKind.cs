namespace CircuitFinder.Model.Training;

/// <summary>What a toy recipe trains on.</summary>
public enum ToyTaskKind
{
    /// <summary><see cref="ToyCorpus"/> streams, next-token loss at every position.</summary>
    Induction,

    /// <summary><see cref="ToyIoiTask"/> prompts, loss at the answer position only.</summary>
    Ioi,
}
