using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;
using ServerlessNews.Site;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Convergence;

/// <summary>
/// The site converges: after any sequence of operations, once every queue is quiet, <c>$web</c> equals a clean build
/// of the index (docs/convergence.md). Sequences are generated from a seed: publishes into sections and tags old and new,
/// revisions that move articles, corrections, kills, embargoes that lift, revisions delivered out of order and handled
/// concurrently, repeated deliveries, comments approved and rejected, commenters erased, theme overrides added and
/// removed, and the clock moving on. Each runs on a real Azurite through the real handlers, then every trigger is played
/// until quiet, and <c>verify</c> must find no difference. A failure prints the smallest failing sequence found and the
/// seed that reproduces it.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultSequences"/> sequences. On demand, more: <c>CONVERGENCE_SEQUENCES=200 ./eng/test.sh
/// --filter-class "*ConvergenceModelTests"</c>; one sequence again: <c>CONVERGENCE_SEED=&lt;seed&gt;</c>.
/// </remarks>
public sealed class ConvergenceModelTests(ConvergenceFixture site) : IClassFixture<ConvergenceFixture>
{
    public const int DefaultSequences = 4;

    private static readonly string[] Articles = ["ant", "bee", "cat", "doe", "elk", "fox"];
    private static readonly string[] Sections = ["World", "Sport", "Arts", "Science"];
    private static readonly string[] Tags = ["Rain", "Sun", "Wind", "Snow", "Fog"];
    private static readonly string[] Authors = ["Ana Ruiz", "Tom Becker", "Li Wei"];
    private static readonly string[] Emails = ["one@example.test", "two@example.test", "three@example.test"];

    /// <summary>One operation on the site.</summary>
    public abstract record Op;

    /// <summary>A new revision, published (an article's first, or an edit that may move it to another section, tags, author or time).</summary>
    public sealed record Publish(string Id, string Section, string[] Tags, string Author, int HoursAgo) : Op
    {
        public override string ToString() => $"Publish({Id}, {Section}, [{string.Join(",", Tags)}], {Author}, -{HoursAgo}h)";
    }

    /// <summary>A correction: the same article with an updated time and a correction note.</summary>
    public sealed record Correct(string Id) : Op;

    public sealed record Kill(string Id) : Op;

    /// <summary>A revision embargoed for a second, then released by its held message.</summary>
    public sealed record Embargo(string Id, string Section, string Tag) : Op;

    /// <summary>Two revisions of one article delivered newest first.</summary>
    public sealed record OutOfOrder(string Id, string Section, string Tag) : Op;

    /// <summary>The publish messages waiting, handled all at once (several instances), the same one twice when <c>Twice</c>.</summary>
    public sealed record Concurrently(bool Twice) : Op;

    /// <summary>Every queue handled until empty, the refreshes several at once.</summary>
    public sealed record Settle : Op;

    /// <summary>A reader's comment on an article, held, then approved or rejected by a moderator.</summary>
    public sealed record Comment(string Id, int Commenter, bool Approve) : Op;

    /// <summary>A commenter's data erased.</summary>
    public sealed record Erase(int Commenter) : Op;

    /// <summary>A theme override uploaded (a new version of the layout), or removed when <c>Version</c> is 0.</summary>
    public sealed record Theme(int Version) : Op;

    /// <summary>The clock moves on, then the site's timer runs.</summary>
    public sealed record Tick(int Hours) : Op;

    private static readonly Gen<string[]> TagsGen = Gen.Shuffle(Tags, 0, 3).Select(tags => tags.ToArray());

    public static readonly Gen<Op> OpGen = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf(Articles), Gen.OneOf(Sections), TagsGen, Gen.OneOf(Authors), Gen.Int[0, 60],
            (id, section, tags, author, hours) => (Op)new Publish(id, section, tags, author, hours))),
        (2, Gen.OneOf(Articles).Select(id => (Op)new Correct(id))),
        (2, Gen.OneOf(Articles).Select(id => (Op)new Kill(id))),
        (1, Gen.Select(Gen.OneOf(Articles), Gen.OneOf(Sections), Gen.OneOf(Tags), (id, s, t) => (Op)new Embargo(id, s, t))),
        (2, Gen.Select(Gen.OneOf(Articles), Gen.OneOf(Sections), Gen.OneOf(Tags), (id, s, t) => (Op)new OutOfOrder(id, s, t))),
        (2, Gen.Bool.Select(twice => (Op)new Concurrently(twice))),
        (1, Gen.Const((Op)new Settle())),
        (2, Gen.Select(Gen.OneOf(Articles), Gen.Int[0, Emails.Length - 1], Gen.Bool, (id, c, approve) => (Op)new Comment(id, c, approve))),
        (1, Gen.Int[0, Emails.Length - 1].Select(c => (Op)new Erase(c))),
        (1, Gen.Int[0, 2].Select(v => (Op)new Theme(v))),
        (1, Gen.Int[1, 30].Select(h => (Op)new Tick(h))));

    public static readonly Gen<Op[]> SequenceGen = OpGen.Array[3, 14];

    [Fact]
    public async Task After_any_sequence_of_operations_the_site_equals_a_clean_build_once_quiet()
    {
        var sequences = int.TryParse(Environment.GetEnvironmentVariable("CONVERGENCE_SEQUENCES"), CultureInfo.InvariantCulture, out var n) ? n : DefaultSequences;
        var seed = Environment.GetEnvironmentVariable("CONVERGENCE_SEED");
        await SequenceGen.SampleAsync(RunAsync, seed: seed, iter: seed is null ? sequences : 1, threads: 1,
            print: ops => string.Join("\n", ops.Select(op => "  " + op)));
    }

    /// <summary>Runs one sequence on an empty site, waits for quiet and asserts that a verify finds nothing.</summary>
    private async Task RunAsync(Op[] ops)
    {
        await site.ResetAsync();
        var state = new SequenceState(site.Clock.GetUtcNow());
        foreach (var op in ops)
        {
            await ApplyAsync(op, state);
        }
        await UntilQuietAsync(state);
        var differences = await site.VerifyAsync();
        Assert.True(differences.Count == 0, "verify found differences:\n" + string.Join("\n", differences.Take(15).Select(d => $"  {d.Kind} /{d.Name} {d.Detail}")));
    }

    private sealed class SequenceState(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public Dictionary<string, long> Revisions { get; } = [];
        public Dictionary<string, JsonObject> Latest { get; } = [];
        public DateTimeOffset EmbargoesLift { get; set; } = DateTimeOffset.MinValue;
        public int Readers { get; set; }

        public long Next(string id) => Revisions[id] = Revisions.GetValueOrDefault(id) + 1;
    }

    private async Task ApplyAsync(Op op, SequenceState state)
    {
        switch (op)
        {
            case Publish p:
                var at = state.Start.AddHours(-p.HoursAgo);
                var revision = state.Next(p.Id);
                var article = SiteData.Article(p.Id, p.Section, p.Tags, [p.Author], SiteData.Seconds(at), revision)
                    .With("headline", $"{p.Id} revision {revision}");
                state.Latest[p.Id] = article;
                await site.SubmitAsync(article);
                break;
            case Correct c when state.Latest.TryGetValue(c.Id, out var latest):
                var stamp = Iso(site.Clock.GetUtcNow());
                state.Latest[c.Id] = latest.With("revision", state.Next(c.Id)).With("updatedAt", stamp).With("status", "published")
                    .With("corrections", new JsonArray(new JsonObject { ["at"] = stamp, ["text"] = "An earlier version was wrong." }));
                await site.SubmitAsync(state.Latest[c.Id]);
                break;
            case Kill k:
                await site.SubmitAsync(TestArticles.Valid(k.Id, state.Next(k.Id)).With("status", "killed"));
                break;
            case Embargo e:
                var lifts = site.Clock.GetUtcNow().AddSeconds(1);
                state.Latest[e.Id] = SiteData.Article(e.Id, e.Section, [e.Tag], ["Ana Ruiz"], SiteData.Seconds(state.Start.AddHours(-1)), state.Next(e.Id))
                    .With("status", "embargoed").With("embargoedUntil", Iso(lifts));
                state.EmbargoesLift = lifts > state.EmbargoesLift ? lifts : state.EmbargoesLift;
                await site.SubmitAsync(state.Latest[e.Id]);
                break;
            case OutOfOrder o:
                var first = state.Next(o.Id);
                var second = state.Next(o.Id);
                var older = SiteData.Article(o.Id, o.Section, [o.Tag], ["Tom Becker"], SiteData.Seconds(state.Start.AddHours(-2)), first);
                var newer = older.With("revision", second).With("headline", $"{o.Id} revision {second}");
                state.Latest[o.Id] = newer;
                await site.SubmitAsync(newer);
                await site.SubmitAsync(older);
                break;
            case Concurrently c:
                // The first waiting message delivered twice at once (a host whose lease lapsed), when asked.
                var repeated = c.Twice ? (await site.Queue(StorageNames.PublishQueue).PeekMessageAsync()).Value?.MessageText : null;
                var again = repeated is null
                    ? Task.CompletedTask
                    : Task.Run(() => site.Get<PublishingPipeline>().HandleAsync(repeated, 2, CancellationToken.None));
                await site.HandleConcurrentlyAsync(StorageNames.PublishQueue, 8);
                await again;
                await site.HandleConcurrentlyAsync(StorageNames.RefreshQueue, 16);
                break;
            case Settle:
                await site.DrainPublishQueueAsync();
                while (await site.HandleConcurrentlyAsync(StorageNames.RefreshQueue, 8) > 0)
                {
                }
                break;
            case Comment c when state.Latest.ContainsKey(c.Id):
                await site.DrainPublishQueueAsync();
                if (await site.PostCommentAsync(c.Id, Emails[c.Commenter], $"Comment {++state.Readers} on {c.Id}.", state.Readers) is { } commentId)
                {
                    await site.DrainModerateQueueAsync();
                    await site.Get<Moderator>().DecideAsync(c.Id, commentId, c.Approve ? CommentStatus.Approved : CommentStatus.Rejected, "model", CancellationToken.None);
                }
                break;
            case Erase e:
                await site.EraseCommenterAsync(Emails[e.Commenter]);
                break;
            case Theme t:
                var templates = site.Container(StorageNames.TemplatesContainer);
                if (t.Version == 0)
                {
                    await templates.DeleteBlobIfExistsAsync("layout.liquid");
                }
                else
                {
                    using var reader = new StreamReader(typeof(TemplateStore).Assembly.GetManifestResourceStream("Theme/layout.liquid")!);
                    var layout = (await reader.ReadToEndAsync()).Replace("</body>", $"<!-- theme {t.Version} -->\n</body>", StringComparison.Ordinal);
                    await templates.GetBlobClient("layout.liquid").UploadAsync(BinaryData.FromString(layout), overwrite: true);
                }
                await site.Get<SiteMaintenance>().RunAsync(CancellationToken.None);
                break;
            case Tick t:
                site.Clock.Advance(TimeSpan.FromHours(t.Hours));
                await site.Get<SiteMaintenance>().RunAsync(CancellationToken.None);
                break;
        }
    }

    private async Task UntilQuietAsync(SequenceState state)
    {
        // A held embargo's message reappears when it lifts (real time); the clock moves past it too.
        var wait = state.EmbargoesLift - site.Clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait + TimeSpan.FromMilliseconds(300));
            site.Clock.Advance(wait + TimeSpan.FromMilliseconds(300));
        }
        await site.UntilQuietAsync();
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
