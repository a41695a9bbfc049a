namespace RagPlatform.Retrieval.Tests.Contract;

/// <summary>A hand-built corpus whose dense, lexical and filtered answers are known (no exact score ties).</summary>
internal static class ContractCorpus
{
    public const int Dimensions = 4;

    public static readonly IndexPoint Cat = Make("cat", [1f, 0.05f, 0.02f, 0.01f], "The cat sat on the warm mat",
        "en", 2020, 4.5, ["pets", "animals"], "2024-01-10T08:00:00Z", false);

    public static readonly IndexPoint Dog = Make("dog", [0.9f, 0.2f, 0.05f, 0.03f], "A dog chased the ball across the park",
        "en", 2021, 3.0, ["pets"], "2024-02-15T12:30:00+02:00", true);

    public static readonly IndexPoint Stock = Make("stock", [0.05f, 1f, 0.1f, 0.02f], "Stock markets fell sharply as investors sold shares",
        "en", 2019, 2.0, ["finance"], "2023-06-01T00:00:00Z", false);

    public static readonly IndexPoint Chat = Make("chat", [0.1f, 0.02f, 1f, 0.04f], "Le chat dort sur le canapé",
        "fr", 2022, 5.0, ["pets"], "2024-03-20T18:45:00Z", false);

    public static readonly IndexPoint Rocket = Make("rocket", [0.02f, 0.03f, 0.06f, 1f], "Rockets launch satellites into orbit around the earth",
        "en", 2023, 4.0, ["space", "science"], "2022-11-05T09:15:00Z", false);

    public static readonly IndexPoint Garden = Make("garden", [0.5f, 0.04f, 0.03f, 0.5f], "Planting tomatoes in a small garden needs sun and water",
        "en", 2020, 3.5, ["home"], "2024-01-01T00:00:00Z", false);

    public static IReadOnlyList<IndexPoint> All => [Cat, Dog, Stock, Chat, Rocket, Garden];

    private static IndexPoint Make(string id, float[] vector, string text, string lang, long year, double rating, string[] tags,
        string published, bool draft) => new()
        {
            Id = id,
            Vector = vector,
            Text = text,
            Payload = new Dictionary<string, PayloadValue>
            {
                ["lang"] = lang,
                ["year"] = year,
                ["rating"] = rating,
                ["tags"] = tags,
                ["published"] = DateTimeOffset.Parse(published, System.Globalization.CultureInfo.InvariantCulture),
                ["draft"] = draft,
            },
        };
}
