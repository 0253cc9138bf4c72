using CircuitFinder.Model.Config;

namespace CircuitFinder.Model.Loading;

/// <summary>Checks shared by the HuggingFace layouts, with messages in the config's own key names.</summary>
internal static class HuggingFaceConfigFields
{
    /// <summary>
    /// d_head = <paramref name="width"/> / <paramref name="heads"/>, after checking both are positive and the heads divide
    /// the width; <paramref name="widthField"/> / <paramref name="headsField"/> are the config.json keys.
    /// </summary>
    public static int HeadDimension(string source, int width, string widthField, int heads, string headsField)
    {
        if (width <= 0 || heads <= 0)
        {
            throw new BadInputException($"{source}: {widthField} ({width}) and {headsField} ({heads}) must be positive");
        }

        if (width % heads != 0)
        {
            throw new BadInputException($"{source}: {headsField} ({heads}) does not divide {widthField} ({width})");
        }

        return width / heads;
    }

    /// <summary>The model name from <c>_name_or_path</c>, else <paramref name="fallback"/>.</summary>
    public static string ModelName(JsonFields read, string fallback) =>
        read.OptionalString("_name_or_path") is { Length: > 0 } n ? Path.GetFileName(n.TrimEnd('/')) : fallback;
}
