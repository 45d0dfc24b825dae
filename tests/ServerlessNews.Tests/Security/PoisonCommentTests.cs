using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Articles;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;
using ServerlessNews.Operations;
using ServerlessNews.Rendering;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Deployment;
using ServerlessNews.Tests.Infrastructure;
using ServerlessNews.Tests.Publishing;

namespace ServerlessNews.Tests.Security;

/// <summary>
/// A comment nested past Markdig's depth limit, which throws on every parse: refused at intake, and one already
/// stored (approved before intake checked it) no longer breaks the renders of its article's page.
/// </summary>
public sealed class PoisonCommentTests(LogCapturingFixture server) : IClassFixture<LogCapturingFixture>
{
    private static readonly string Poison = new string('>', 150) + " quoted too deep";

    [Fact]
    public async Task A_comment_nested_past_the_markdown_depth_limit_is_refused_at_intake_naming_the_field()
    {
        await server.PublishAsync("poison-intake");
        var before = await StorageSnapshot.TakeAsync(server);

        var json = await server.Client.SendAsync(server.Json(new { articleId = "poison-intake", name = "Nester", email = server.NewReader().Email, comment = Poison }));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        var errors = (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["comment"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Contains("nested", errors.GetProperty("comment")[0].GetString(), StringComparison.Ordinal);

        var form = await server.NoRedirects.SendAsync(server.Form(new Dictionary<string, string>
        {
            ["articleId"] = "poison-intake",
            ["name"] = "Nester",
            ["email"] = server.NewReader().Email,
            ["comment"] = Poison,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Contains("nested", Html.Parse(await form.Content.ReadAsStringAsync()).QuerySelector("ul.errors")!.TextContent, StringComparison.Ordinal);

        Assert.Equal(before, await StorageSnapshot.TakeAsync(server));
    }

    [Fact]
    public async Task A_poison_comment_already_in_the_table_is_left_out_and_corrections_approvals_and_rebuilds_still_render_the_page()
    {
        var publishedAt = SiteData.Seconds(DateTimeOffset.UtcNow.AddHours(-1));
        var path = await server.PublishAsync("poison-stored", publishedAt);
        var good = await server.PostAsync("poison-stored", "A sensible view.", name: "Good Reader");
        await server.DrainModerateQueueAsync();
        await server.ModerateAsync("poison-stored", good, "approve");

        // Written as intake and moderation wrote it before intake checked the nesting: approved, indexed.
        var keys = server.Get<CommentKeys>();
        var poisonId = keys.NewCommentId();
        var poison = new CommentEntity
        {
            PartitionKey = "poison-stored",
            RowKey = poisonId,
            CommentId = poisonId,
            ArticleId = "poison-stored",
            AuthorName = "Nester",
            EmailHash = keys.EmailHash("nester@example.test"),
            IpHash = keys.IpHash("203.0.113.9"),
            Text = Poison,
            ContentHash = keys.ContentHash(keys.EmailHash("nester@example.test"), Poison),
            Status = CommentStatus.Approved,
            Rule = ModerationRules.Moderator,
            CreatedAt = DateTimeOffset.UtcNow,
            DecidedAt = DateTimeOffset.UtcNow,
            PageCurrent = true,
        };
        var comments = server.Table(StorageNames.CommentsTable);
        await comments.AddEntityAsync(poison);
        await comments.AddEntityAsync(poison.IndexRow());
        // A reply to it is shown, as a thread of its own.
        var reply = await server.PostAsync("poison-stored", "Replying to the nester.", name: "Replier", parentId: poisonId);
        await server.DrainModerateQueueAsync();

        // Approving the reply re-renders the page.
        await server.ModerateAsync("poison-stored", reply, "approve");
        AssertShown(await server.PageAsync(path), ["A sensible view.", "Replying to the nester."]);

        // A correction re-renders it.
        await server.SubmitAsync(TestArticles.Valid("poison-stored", revision: 2)
            .With("publishedAt", Iso(publishedAt))
            .With("updatedAt", Iso(DateTimeOffset.UtcNow))
            .With("corrections", new JsonArray(new JsonObject { ["at"] = Iso(DateTimeOffset.UtcNow), ["text"] = "An earlier version misnamed the bridge." })));
        await server.DrainPublishQueueAsync();
        Assert.Equal("published", (await server.StatusAsync("poison-stored")).GetProperty("revisions")[0].GetProperty("state").GetString());
        var corrected = await server.PageAsync(path);
        Assert.Contains("An earlier version misnamed the bridge.", corrected, StringComparison.Ordinal);
        AssertShown(corrected, ["A sensible view.", "Replying to the nester."]);

        // A rebuild renders every page, this one included.
        await server.Container(StorageNames.WebContainer).GetBlobClient(ArticleDocument.PageBlobNameFor(path)).DeleteIfExistsAsync();
        await server.Get<SiteBuild>().RebuildAsync(null, parallelism: 2, CancellationToken.None);
        AssertShown(await server.PageAsync(path), ["A sensible view.", "Replying to the nester."]);

        Assert.Contains(server.Lines, line => line.Contains(poisonId, StringComparison.Ordinal) && line.Contains("poison-stored", StringComparison.Ordinal) &&
            line.StartsWith("Warning", StringComparison.Ordinal));
    }

    private static string Iso(DateTimeOffset time) => PageRenderer.Iso(time);

    private static void AssertShown(string? page, string[] texts)
    {
        Assert.NotNull(page);
        var document = Html.Parse(page);
        Assert.Equal(texts, document.QuerySelectorAll(".comment-content").Select(c => c.TextContent.Trim()));
        Assert.DoesNotContain("quoted too deep", page, StringComparison.Ordinal);
    }
}
