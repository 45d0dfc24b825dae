using System.Net;
using Azure;
using ServerlessNews.Articles;
using ServerlessNews.Comments;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Comments;

namespace ServerlessNews.Tests.Reliability;

/// <summary>Moderators deciding the same comment at once (issue 7).</summary>
public sealed class CommentRacesTests(CommentsFixture server) : IClassFixture<CommentsFixture>
{
    [Fact]
    public async Task Ten_moderators_approving_one_comment_at_once_approve_it_once_and_write_the_page_once()
    {
        var path = await server.PublishAsync("race-approve");
        var id = await server.PostAsync("race-approve", "Approved by everyone at once.");
        await server.DrainModerateQueueAsync();
        Assert.Equal(CommentStatus.Held, (await server.CommentAsync("race-approve", id))!.Status);

        var page = server.Container(StorageNames.WebContainer).GetBlobClient(ArticleDocument.PageBlobNameFor(path));
        var before = (await page.GetPropertiesAsync()).Value.ETag;
        // Every ETag the page blob takes while the approvals race: each one is a write.
        var seen = new HashSet<ETag>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                seen.Add((await page.GetPropertiesAsync()).Value.ETag);
            }
        });

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => server.Client.SendAsync(CommentsFixture.Moderation(HttpMethod.Post, $"comments/race-approve/{id}/approve"))));
        stop.Cancel();
        await watcher;
        var after = (await page.GetPropertiesAsync()).Value.ETag;
        seen.Add(after);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var comment = (await server.CommentAsync("race-approve", id))!;
        Assert.Equal(CommentStatus.Approved, comment.Status);
        Assert.True(comment.PageCurrent);
        seen.Remove(before);
        Assert.Equal([after], seen);
        var html = await server.Client.GetStringAsync(new Uri(path, UriKind.Relative));
        Assert.Contains("Approved by everyone at once.", html, StringComparison.Ordinal);

        // Approving again changes nothing.
        await server.ModerateAsync("race-approve", id, "approve");
        Assert.Equal(after, (await page.GetPropertiesAsync()).Value.ETag);
    }
}
