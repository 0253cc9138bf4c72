namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// The IOI dataset's words and templates, from Wang et al. 2022, "Interpretability in the Wild: a Circuit for Indirect
/// Object Identification in GPT-2 small" (arXiv:2211.00593), as published in their <c>ioi_dataset.py</c>
/// (redwoodresearch/Easy-Transformer; the copy read was ArthurConmy/Automatic-Circuit-Discovery,
/// <c>transformer_lens/ioi_dataset.py</c>): <c>NAMES</c>, <c>PLACES</c>, <c>OBJECTS</c> and <c>BABA_TEMPLATES</c>.
/// ABBA templates are the BABA ones with the first clause's two names swapped, as in the paper.
/// </summary>
internal static class IoiData
{
    public static readonly IReadOnlyList<string> Names =
    [
        "Michael", "Christopher", "Jessica", "Matthew", "Ashley", "Jennifer", "Joshua", "Amanda", "Daniel", "David",
        "James", "Robert", "John", "Joseph", "Andrew", "Ryan", "Brandon", "Jason", "Justin", "Sarah",
        "William", "Jonathan", "Stephanie", "Brian", "Nicole", "Nicholas", "Anthony", "Heather", "Eric", "Elizabeth",
        "Adam", "Megan", "Melissa", "Kevin", "Steven", "Thomas", "Timothy", "Christina", "Kyle", "Rachel",
        "Laura", "Lauren", "Amber", "Brittany", "Danielle", "Richard", "Kimberly", "Jeffrey", "Amy", "Crystal",
        "Michelle", "Tiffany", "Jeremy", "Benjamin", "Mark", "Emily", "Aaron", "Charles", "Rebecca", "Jacob",
        "Stephen", "Patrick", "Sean", "Erin", "Jamie", "Kelly", "Samantha", "Nathan", "Sara", "Dustin",
        "Paul", "Angela", "Tyler", "Scott", "Katherine", "Andrea", "Gregory", "Erica", "Mary", "Travis",
        "Lisa", "Kenneth", "Bryan", "Lindsey", "Kristen", "Jose", "Alexander", "Jesse", "Katie", "Lindsay",
        "Shannon", "Vanessa", "Courtney", "Christine", "Alicia", "Cody", "Allison", "Bradley", "Samuel",
    ];

    public static readonly IReadOnlyList<string> Places =
        ["store", "garden", "restaurant", "school", "hospital", "office", "house", "station"];

    public static readonly IReadOnlyList<string> Objects =
        ["ring", "kiss", "bone", "basketball", "computer", "necklace", "drink", "snack"];

    /// <summary>The paper's BABA templates: [B] is the subject S (twice), [A] the indirect object IO.</summary>
    public static readonly IReadOnlyList<string> BabaSource =
    [
        "Then, [B] and [A] went to the [PLACE]. [B] gave a [OBJECT] to [A]",
        "Then, [B] and [A] had a lot of fun at the [PLACE]. [B] gave a [OBJECT] to [A]",
        "Then, [B] and [A] were working at the [PLACE]. [B] decided to give a [OBJECT] to [A]",
        "Then, [B] and [A] were thinking about going to the [PLACE]. [B] wanted to give a [OBJECT] to [A]",
        "Then, [B] and [A] had a long argument, and afterwards [B] said to [A]",
        "After [B] and [A] went to the [PLACE], [B] gave a [OBJECT] to [A]",
        "When [B] and [A] got a [OBJECT] at the [PLACE], [B] decided to give it to [A]",
        "When [B] and [A] got a [OBJECT] at the [PLACE], [B] decided to give the [OBJECT] to [A]",
        "While [B] and [A] were working at the [PLACE], [B] gave a [OBJECT] to [A]",
        "While [B] and [A] were commuting to the [PLACE], [B] gave a [OBJECT] to [A]",
        "After the lunch, [B] and [A] went to the [PLACE]. [B] gave a [OBJECT] to [A]",
        "Afterwards, [B] and [A] went to the [PLACE]. [B] gave a [OBJECT] to [A]",
        "Then, [B] and [A] had a long argument. Afterwards [B] said to [A]",
        "The [PLACE] [B] and [A] went to had a [OBJECT]. [B] gave it to [A]",
        "Friends [B] and [A] found a [OBJECT] at the [PLACE]. [B] gave it to [A]",
    ];

    /// <summary>BABA prompts with slots [S1], [IO], [S2], [PLACE], [OBJECT] and the final " [A]" (the answer) cut.</summary>
    public static readonly IReadOnlyList<string> Baba = BabaSource.Select(Slots).ToList();

    /// <summary>ABBA prompts: the first clause reads IO then S.</summary>
    public static readonly IReadOnlyList<string> Abba = BabaSource.Select(SwapFirstClause).Select(Slots).ToList();

    private static string SwapFirstClause(string template)
    {
        var b = template.IndexOf("[B]", StringComparison.Ordinal);
        var a = template.IndexOf("[A]", StringComparison.Ordinal);
        return $"{template[..b]}[A]{template[(b + 3)..a]}[B]{template[(a + 3)..]}";
    }

    private static string Slots(string template)
    {
        const string Answer = " [A]";
        var prompt = template[..^Answer.Length];
        var first = prompt.IndexOf("[B]", StringComparison.Ordinal);
        var second = prompt.IndexOf("[B]", first + 3, StringComparison.Ordinal);
        return $"{prompt[..first]}[S1]{prompt[(first + 3)..second]}[S2]{prompt[(second + 3)..]}"
            .Replace("[A]", "[IO]", StringComparison.Ordinal);
    }
}
