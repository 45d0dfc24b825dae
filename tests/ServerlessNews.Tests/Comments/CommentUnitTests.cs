using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;

namespace ServerlessNews.Tests.Comments;

/// <summary>Pieces of the comment feature that need no storage.</summary>
public sealed class CommentUnitTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    private static CommentKeys Keys(string key = "k1") => Keys(new ModerationOptions { Key = key }, Clock);

    /// <summary>Keys as the hosts wire them: the secret comes from the moderation settings.</summary>
    private static CommentKeys Keys(ModerationOptions moderation, TimeProvider clock) =>
        new(Options.Create(new CommentKeyOptions { HashKey = moderation.EffectiveHashKey }), clock);

    [Fact]
    public void Pending_tokens_are_signed_and_expire()
    {
        var keys = Keys();
        var token = keys.PendingToken("an-article", "0123456789abcdef0123", TimeSpan.FromMinutes(5));
        Assert.Equal(("an-article", "0123456789abcdef0123"), keys.ReadPendingToken(token));
        Assert.Null(Keys("k2").ReadPendingToken(token));
        Assert.Null(keys.ReadPendingToken(token.Replace("an-article", "other-article", StringComparison.Ordinal)));
        Assert.Null(keys.ReadPendingToken("garbage"));
        Assert.Null(keys.ReadPendingToken(null));

        var clock = new FakeTimeProvider(Clock.GetUtcNow());
        var aging = Keys(new ModerationOptions { Key = "k1" }, clock);
        var shortLived = aging.PendingToken("an-article", "0123456789abcdef0123", TimeSpan.FromMinutes(5));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(aging.ReadPendingToken(shortLived));
    }

    [Fact]
    public void Email_hashes_are_keyed_and_ignore_case_and_spaces_and_ids_sort_by_time()
    {
        Assert.Equal(Keys().EmailHash("Ana@Example.com "), Keys().EmailHash("ana@example.com"));
        Assert.NotEqual(Keys("k1").EmailHash("ana@example.com"), Keys("k2").EmailHash("ana@example.com"));
        Assert.Equal(Keys("k1").EmailHash("a@b.c"), Keys(new ModerationOptions { HashKey = "derived:k1" }, Clock).EmailHash("a@b.c"));

        var clock = new FakeTimeProvider(Clock.GetUtcNow());
        var keys = Keys(new ModerationOptions { Key = "k" }, clock);
        var first = keys.NewCommentId();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = keys.NewCommentId();
        Assert.True(CommentKeys.IsCommentId(first));
        Assert.True(string.CompareOrdinal(first, second) < 0);
    }

    [Theory]
    [InlineData("I drove over it today.")]
    [InlineData("  I drove\tover it\r\n\n today.  ")]
    [InlineData("ÉCOLE Straße İstanbul ΣΟΦΙΑ")]
    [InlineData("Emoji 👍🏽 and Deseret 𐐀𐐁 letters")]
    [InlineData("\u00a0non-breaking\u2003em space\u3000ideographic")]
    [InlineData("")]
    public void Hashes_keep_their_stored_form(string text)
    {
        // Rows store these hashes (duplicates, commenters, flood): they must not change with the implementation.
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("derived:k1"), "commenter-hash"u8);
        string Expected(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));
        var keys = Keys();
        var email = keys.EmailHash(" Ana@Example.COM");
        Assert.Equal(Expected("email:ana@example.com"), email);
        Assert.Equal(Expected("ip:198.51.100.7"), keys.IpHash("198.51.100.7"));
        foreach (var comment in (string[])[text, text + " " + new string('Ä', 3000) + "\n"])
        {
            var words = string.Join(' ', comment.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
            Assert.Equal(Expected("content:" + email + ":" + words), keys.ContentHash(email, comment));
        }
    }

    [Fact]
    public void The_flood_gate_claims_address_and_email_together_for_the_window_and_takes_back_a_failed_claim()
    {
        var gate = new FloodGate(Options.Create(new CommentOptions { FloodWindow = TimeSpan.FromSeconds(15) }));
        var t0 = Clock.GetUtcNow();
        Assert.True(gate.TryClaim("ip1", "email1", t0));
        Assert.False(gate.TryClaim("ip1", "email2", t0.AddSeconds(1)));
        Assert.False(gate.TryClaim("ip2", "email1", t0.AddSeconds(1)));
        Assert.True(gate.TryClaim("ip2", "email2", t0.AddSeconds(1))); // the refused claims took neither key
        Assert.False(gate.TryClaim("ip1", "email3", t0.AddSeconds(14.9)));
        Assert.True(gate.TryClaim("ip1", "email1", t0.AddSeconds(15)));

        var failed = t0.AddSeconds(20);
        Assert.True(gate.TryClaim("ip3", "email3", failed));
        gate.Release("ip3", "email3", failed);
        Assert.True(gate.TryClaim("ip3", "email3", failed.AddSeconds(1)));

        var off = new FloodGate(Options.Create(new CommentOptions { FloodWindow = TimeSpan.Zero }));
        Assert.True(off.TryClaim("ip", "email", t0));
        Assert.True(off.TryClaim("ip", "email", t0));
    }

    [Theory]
    [InlineData("Built with WordPress.", null)]
    [InlineData("Pressure is high", null)]
    [InlineData("The press said so", "'press' in comment")]
    [InlineData("PRESS!", "'press' in comment")]
    [InlineData("a press-release", "'press' in comment")]
    [InlineData("press_office", null)]
    public void Word_lists_match_whole_words_in_any_case(string text, string? expected)
    {
        var comment = new CommentEntity { AuthorName = "Reader", Text = text };
        var found = ModerationPipeline.FindWord(["press"], comment);
        if (expected is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(expected, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_http_classifier_posts_no_email_and_reads_the_verdict()
    {
        var handler = new RecordingHandler("""{ "verdict": "spam", "reason": "score 0.98" }""");
        var classifier = new HttpCommentClassifier(new HttpClient(handler),
            Options.Create(new ModerationOptions { Classifier = "http", ClassifierEndpoint = "https://classifier.example.test/check" }));

        var result = await classifier.ClassifyAsync(new ClassifierInput("a", "0123456789abcdef0123", "Ana", null, "Buy now"), CancellationToken.None);

        Assert.Equal(new ClassifierResult("spam", "score 0.98"), result);
        Assert.Equal("https://classifier.example.test/check", handler.Uri?.ToString());
        Assert.Contains("\"text\":\"Buy now\"", handler.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("email", handler.Body, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class RecordingHandler(string answer) : HttpMessageHandler
    {
        public Uri? Uri { get; private set; }
        public string Body { get; private set; } = "";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri = request.RequestUri;
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        }
    }
}

