namespace CircuitFinder.Model.Config;

/// <summary>MLP activation functions, named as TransformerLens' <c>act_fn</c>.</summary>
public enum ActivationFunction
{
    /// <summary><c>gelu_new</c>: GPT-2's tanh approximation of GELU.</summary>
    GeluNew,

    /// <summary><c>gelu</c>: exact (erf) GELU.</summary>
    Gelu,

    /// <summary><c>relu</c>.</summary>
    Relu,

    /// <summary><c>silu</c> (swish), used by gated Llama-style MLPs.</summary>
    Silu,

    /// <summary><c>solu_ln</c>: x · softmax(x) followed by <c>mlp.ln</c> over d_mlp.</summary>
    SoluLn,
}
