using Microsoft.Playwright;

namespace RagPlatform.EndToEnd.Tests;

/// <summary>The web UI in headless Chromium (Debian's chromium package) against the running platform.</summary>
[Trait("Category", "EndToEnd")]
[Collection(SquadPlatformCollection.Name)]
public sealed class BrowserTests(SquadPlatformFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task AskInTheUi_AnswerStreamsIn_CitationShowsItsPassage()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/setup/apt-packages.sh installs Debian's chromium.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync(fixture.Platform.GatewayUrl + "/");
        await page.FillAsync("#api-key", fixture.Platform.ApiKey);
        await page.ClickAsync("#save-key");
        await page.WaitForSelectorAsync("#key-status:has-text('connected')");
        await page.SelectOptionAsync("#collection", SquadPlatformFixture.Collection);
        await page.WaitForSelectorAsync("#models-note:has-text('reranker, generator')");

        await page.FillAsync("#question", fixture.Questions[3].Question);
        await page.ClickAsync("#ask");
        await page.WaitForSelectorAsync("#citations li");
        await page.WaitForFunctionAsync("() => document.querySelector('#answer').textContent.length > 0");
        await page.WaitForSelectorAsync("#answer-meta:has-text('passages')");
        // The forged reranker and generator were skipped, and the page says so; the answer is quoted, not noise.
        Assert.Contains("extractive answer", await page.TextContentAsync("#answer-meta"), StringComparison.Ordinal);
        Assert.Contains("Skipped rerank", await page.TextContentAsync("#skipped-note"), StringComparison.Ordinal);
        Assert.True(await page.IsVisibleAsync("#skipped-note"));
        Assert.False(await page.IsVisibleAsync("#forged-warning"), "no forged model shaped this answer");

        await page.ClickAsync("#citations li a");
        await page.WaitForSelectorAsync("#passage:not([hidden])");
        var passage = await page.TextContentAsync("#passage-text");
        Assert.False(string.IsNullOrWhiteSpace(passage));
        Assert.Contains(fixture.Paragraphs, p => p.Text.Contains(passage!, StringComparison.Ordinal));
    }
}
