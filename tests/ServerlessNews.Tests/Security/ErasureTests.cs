using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Azure;
using ServerlessNews.Comments;
using ServerlessNews.Moderation;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Comments;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Security;

/// <summary>
/// Erasing a commenter (GDPR) must finish whatever fails on the way: a retry after a failure once the comments'
/// rows are deleted still takes their text off the static pages, and nothing stored still links the commenter's
/// address to the erased comments.
/// </summary>
public sealed class ErasureTests(ErasureTests.PageWritesFailFixture server) : IClassFixture<ErasureTests.PageWritesFailFixture>
{
    [Fact]
    public async Task An_erasure_that_fails_while_re_rendering_finishes_on_retry_and_leaves_no_flood_row_naming_the_comments()
    {
        var path = await server.PublishAsync(PageWritesFailFixture.ArticleId);
        var email = server.NewReader().Email;
        var erased = await server.PostAsync(PageWritesFailFixture.ArticleId, "My words, to be forgotten.", name: "Fay", email: email);
        var stays = await server.PostAsync(PageWritesFailFixture.ArticleId, "Someone else's words.");
        await server.DrainModerateQueueAsync();
        await server.ModerateAsync(PageWritesFailFixture.ArticleId, erased, "approve");
        await server.ModerateAsync(PageWritesFailFixture.ArticleId, stays, "approve");
        Assert.Contains("My words, to be forgotten.", (await server.PageAsync(path))!, StringComparison.Ordinal);
        Assert.NotEmpty(await FloodRowsNamingAsync(erased)); // the address's flood row names the comment

        // The comments' rows are deleted, then writing the page fails (storage went away).
        server.FailPageWrites = true;
        var failed = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/erase", new { email }));
        server.FailPageWrites = false;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Null(await server.CommentAsync(PageWritesFailFixture.ArticleId, erased));
        Assert.Contains("My words, to be forgotten.", (await server.PageAsync(path))!, StringComparison.Ordinal);

        // The moderator retries, as the 503 says: the page loses the comment although its rows are gone.
        var retried = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/erase", new { email }));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal([PageWritesFailFixture.ArticleId], (await retried.Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("pagesRerendered").EnumerateArray().Select(p => p.GetString()));
        var page = (await server.PageAsync(path))!;
        Assert.DoesNotContain("My words, to be forgotten.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Fay", page, StringComparison.Ordinal);
        Assert.Contains("Someone else's words.", page, StringComparison.Ordinal);

        Assert.Empty(await FloodRowsNamingAsync(erased));
        var hash = server.Get<CommentKeys>().EmailHash(email);
        var commenters = server.Table(StorageNames.CommentersTable);
        Assert.Empty(await commenters.QueryAsync<TableEntity>(e => e.PartitionKey == hash).ToListAsync());
        var marker = Assert.Single(await commenters.QueryAsync<TableEntity>(e => e.PartitionKey == CommentStore.ErasedPartition(hash)).ToListAsync());
        Assert.Equal(["ErasedAt", "PartitionKey", "RowKey", "Timestamp", "odata.etag"], marker.Keys.Order(StringComparer.Ordinal));

        // And again: nothing left to do, nothing broken.
        var again = await server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, "commenters/erase", new { email }));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("erased").GetInt32());
    }

    private async Task<List<TableEntity>> FloodRowsNamingAsync(string commentId) =>
        await server.Table(StorageNames.CommentersTable)
            .QueryAsync<TableEntity>(e => e.RowKey == FloodRecord.FloodRow && e.GetString("CommentId") == commentId)
            .Where(e => e.PartitionKey.StartsWith("ip|", StringComparison.Ordinal))
            .ToListAsync();

    /// <summary>Comments with a flood window (so flood rows are kept), and page writes of one article that fail on demand.</summary>
    public sealed class PageWritesFailFixture : CommentsFixture
    {
        public const string ArticleId = "erase-retry";

        private volatile bool _failPageWrites;

        public bool FailPageWrites
        {
            get => _failPageWrites;
            set => _failPageWrites = value;
        }

        protected override TimeSpan FloodWindow => TimeSpan.FromSeconds(15);

        protected override void Configure(WebApplicationBuilder builder) =>
            builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.AddPolicy(new FailPageWrite(this), HttpPipelinePosition.PerCall)));

        private sealed class FailPageWrite(PageWritesFailFixture fixture) : HttpPipelineSynchronousPolicy
        {
            public override void OnSendingRequest(HttpMessage message)
            {
                var uri = message.Request.Uri.ToString();
                if (fixture.FailPageWrites && message.Request.Method == RequestMethod.Put &&
                    uri.Contains("/$web/", StringComparison.Ordinal) && uri.Contains(ArticleId, StringComparison.Ordinal))
                {
                    throw new RequestFailedException(0, "Connection refused");
                }
            }
        }
    }
}
