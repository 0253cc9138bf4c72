namespace CircuitFinder.Model.Hooks;

/// <summary>The one place that builds TransformerLens hook names.</summary>
public static class HookName
{
    public const string Embed = "hook_embed";
    public const string PosEmbed = "hook_pos_embed";
    public const string FinalNormalized = "ln_final.hook_normalized";
    public const string FinalScale = "ln_final.hook_scale";

    public static string ResidPre(int layer) => $"blocks.{layer}.hook_resid_pre";

    public static string ResidMid(int layer) => $"blocks.{layer}.hook_resid_mid";

    public static string ResidPost(int layer) => $"blocks.{layer}.hook_resid_post";

    public static string AttnOut(int layer) => $"blocks.{layer}.hook_attn_out";

    public static string MlpOut(int layer) => $"blocks.{layer}.hook_mlp_out";

    public static string MlpIn(int layer) => $"blocks.{layer}.hook_mlp_in";

    public static string QInput(int layer) => $"blocks.{layer}.hook_q_input";

    public static string KInput(int layer) => $"blocks.{layer}.hook_k_input";

    public static string VInput(int layer) => $"blocks.{layer}.hook_v_input";

    public static string Ln1Scale(int layer) => $"blocks.{layer}.ln1.hook_scale";

    public static string Ln1Normalized(int layer) => $"blocks.{layer}.ln1.hook_normalized";

    public static string Ln2Scale(int layer) => $"blocks.{layer}.ln2.hook_scale";

    public static string Ln2Normalized(int layer) => $"blocks.{layer}.ln2.hook_normalized";

    public static string Q(int layer) => $"blocks.{layer}.attn.hook_q";

    public static string K(int layer) => $"blocks.{layer}.attn.hook_k";

    public static string V(int layer) => $"blocks.{layer}.attn.hook_v";

    public static string Z(int layer) => $"blocks.{layer}.attn.hook_z";

    /// <summary>Queries after the rotary embedding (rotary models only).</summary>
    public static string RotQ(int layer) => $"blocks.{layer}.attn.hook_rot_q";

    /// <summary>Keys after the rotary embedding (rotary models only).</summary>
    public static string RotK(int layer) => $"blocks.{layer}.attn.hook_rot_k";

    public static string AttnScores(int layer) => $"blocks.{layer}.attn.hook_attn_scores";

    public static string Pattern(int layer) => $"blocks.{layer}.attn.hook_pattern";

    public static string Result(int layer) => $"blocks.{layer}.attn.hook_result";

    public static string MlpPre(int layer) => $"blocks.{layer}.mlp.hook_pre";

    public static string MlpMid(int layer) => $"blocks.{layer}.mlp.hook_mid";

    public static string MlpPost(int layer) => $"blocks.{layer}.mlp.hook_post";
}
