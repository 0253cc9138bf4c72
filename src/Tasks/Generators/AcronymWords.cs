namespace CircuitFinder.Tasks.Generators;

/// <summary>
/// Capitalised nouns and adjectives for organisation names in the acronym task (after García-Carrasco, Maté and
/// Trujillo 2024, "How does GPT-2 Predict Acronyms?"), written for CircuitFinder. Every word is one GPT-2 token with
/// its leading space (checked with the GPT-2 tokenizer when the list was written); initials span A..Z.
/// </summary>
internal static class AcronymWords
{
    public static readonly IReadOnlyList<string> All =
    [
        "Academic", "Active", "Advanced", "Air", "Alliance", "American", "Art", "Association", "Atlantic", "Authority",
        "Bank", "Basic", "Big", "Black", "Blue", "Board", "Book", "Border", "British", "Business",
        "Capital", "Care", "Center", "Central", "Chemical", "Children", "Civil", "Club", "Coast", "College",
        "Commerce", "Community", "Computer", "Control", "Council", "Court", "Cultural",
        "Data", "Defense", "Democratic", "Design", "Development", "Digital", "Direct", "District",
        "Early", "Earth", "Eastern", "Economic", "Education", "Energy", "Environmental", "European", "Exchange",
        "Family", "Farm", "Federal", "Film", "Financial", "Fire", "First", "Food", "Force", "Foreign", "Forest",
        "Foundation", "Free", "Friendship", "Fund", "Future",
        "General", "Global", "Gold", "Golden", "Government", "Green", "Group",
        "Health", "Heritage", "High", "History", "Home", "Housing", "Human",
        "Independent", "Industrial", "Information", "Institute", "International", "Island",
        "Joint", "Justice", "Junior", "Key", "King", "Kids", "Kingdom",
        "Labor", "Land", "Language", "Law", "League", "Legal", "Life", "Literary", "Local",
        "Machine", "Marine", "Market", "Media", "Medical", "Metal", "Military", "Mobile", "Modern", "Mountain", "Music",
        "National", "Natural", "Network", "New", "News", "Northern", "Nuclear",
        "Ocean", "Office", "Open", "Operations",
        "Pacific", "Party", "Peace", "People", "Police", "Political", "Power", "Press", "Private", "Professional", "Public",
        "Quality", "Quantum", "Queen",
        "Radio", "Rail", "Real", "Regional", "Research", "Reserve", "River", "Royal", "Rural",
        "Safety", "School", "Science", "Security", "Service", "Social", "Society", "Southern", "Space", "Special",
        "Sports", "State", "Student", "Study", "Support", "System",
        "Team", "Technical", "Technology", "Trade", "Training", "Transport", "Trust",
        "Union", "United", "University", "Urban", "Valley", "Video", "Village", "Virtual",
        "Water", "Western", "White", "Wildlife", "Women", "World", "Young", "Youth", "Zone", "Zero",
    ];
}
