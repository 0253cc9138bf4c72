namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// The greater-than task's nouns, from Hanna, Liu and Variengien 2023, "How does GPT-2 compute greater-than?"
/// (arXiv:2305.00586), as listed in ACDC's greater-than utilities (ArthurConmy/Automatic-Circuit-Discovery,
/// <c>NOUNS</c>; auto-circuit copies the same list). Each is one GPT-2 token with its leading space.
/// </summary>
internal static class GreaterThanNouns
{
    public static readonly IReadOnlyList<string> All =
    [
        "abduction", "accord", "affair", "agreement", "appraisal", "assaults", "assessment", "attack", "attempts",
        "campaign", "captivity", "case", "challenge", "chaos", "clash", "collaboration", "coma", "competition",
        "confrontation", "consequence", "conspiracy", "construction", "consultation", "contact", "contract",
        "convention", "cooperation", "custody", "deal", "decline", "decrease", "demonstrations", "development",
        "disagreement", "disorder", "dispute", "domination", "dynasty", "effect", "effort", "employment", "endeavor",
        "engagement", "epidemic", "evaluation", "exchange", "existence", "expansion", "expedition", "experiments",
        "fall", "fame", "flights", "friendship", "growth", "hardship", "hostility", "illness", "impact",
        "imprisonment", "improvement", "incarceration", "increase", "insurgency", "invasion", "investigation",
        "journey", "kingdom", "marriage", "modernization", "negotiation", "notoriety", "obstruction", "operation",
        "order", "outbreak", "outcome", "overhaul", "patrols", "pilgrimage", "plague", "plan", "practice", "process",
        "program", "progress", "project", "pursuit", "quest", "raids", "reforms", "reign", "relationship",
        "retaliation", "riot", "rise", "rivalry", "romance", "rule", "sanctions", "shift", "siege", "slump",
        "stature", "stint", "strikes", "study", "test", "testing", "tests", "therapy", "tour", "tradition", "treaty",
        "trial", "trip", "unemployment", "voyage", "warfare", "work",
    ];
}
