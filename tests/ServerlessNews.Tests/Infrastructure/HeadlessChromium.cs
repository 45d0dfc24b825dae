using Microsoft.Playwright;

namespace ServerlessNews.Tests.Infrastructure;

/// <summary>Debian's Chromium, headless, as every browser test here starts it (never a downloaded browser).</summary>
public static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Args = Flags });
}
