using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using ServerlessNews.Index;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Reliability;

public sealed class DuplicatesAndRacesTests(DevServerFixture server) : IClassFixture<DevServerFixture>
{
    [Fact]
    public async Task One_webhook_delivered_twenty_times_at_once_is_one_submission()
    {
        var body = Encoding.UTF8.GetBytes(TestArticles.Valid("twenty-times").ToJsonString());
        var responses = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => server.Client.SendAsync(Webhook.SignedDelivery(body, id: "msg_twenty"))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var submissions = await server.Container(StorageNames.SubmissionsContainer)
            .GetBlobsAsync(BlobTraits.None, BlobStates.None, "twenty-times/", default).CountAsync();
        Assert.Equal(1, submissions);

        await server.DrainPublishQueueAsync();
        var status = await server.StatusAsync("twenty-times");
        Assert.Equal("published", status.GetProperty("state").GetString());
        Assert.Single(status.GetProperty("revisions").EnumerateArray());
    }

    [Fact]
    public async Task Racing_revisions_leave_the_newest_on_every_output()
    {
        for (var round = 0; round < 3; round++)
        {
            var id = $"racing-{round}";
            foreach (var revision in Enumerable.Range(1, 6).OrderBy(_ => Random.Shared.Next()))
            {
                await server.SubmitAsync(TestArticles.Valid(id, revision).With("headline", $"Revision {revision}"));
            }
            // Every message handled at once, as several instances would.
            var queue = server.Queue(StorageNames.PublishQueue);
            var messages = (await queue.ReceiveMessagesAsync(32)).Value;
            var publisher = server.Get<Publisher>();
            await Task.WhenAll(messages.Select(m => Task.Run(() => publisher.HandleAsync(m.MessageText, 1, CancellationToken.None))));
            foreach (var m in messages)
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }

            var path = $"/world/2026/11/27/{id}/";
            Assert.Equal("Revision 6", Html.Parse((await server.PageAsync(path))!).QuerySelector("h1")!.TextContent);
            var content = await server.Container(StorageNames.ContentContainer).GetBlobClient(Publisher.ContentBlobName(id)).DownloadContentAsync();
            Assert.Equal(6, JsonSerializer.Deserialize(content.Value.Content.ToString(), CoreJsonContext.Default.ArticleDocument)!.Article.Revision);
            var entity = await server.Get<ArticleIndex>().GetAsync(id, CancellationToken.None);
            Assert.Equal(6, entity!.Revision);
            Assert.Equal("Revision 6", entity.Headline);
            var states = (await server.StatusAsync(id)).GetProperty("revisions").EnumerateArray()
                .ToDictionary(r => r.GetProperty("revision").GetInt64(), r => r.GetProperty("state").GetString());
            Assert.Equal("published", states[6]);
            Assert.All(Enumerable.Range(1, 5), r => Assert.Contains(states[r], new[] { "superseded", "published" }));
        }
    }

    [Fact]
    public async Task A_redelivered_publish_message_renders_once()
    {
        await server.SubmitAsync(TestArticles.Valid("redelivered"));
        var message = (await server.Queue(StorageNames.PublishQueue).PeekMessageAsync()).Value.MessageText;
        await server.DrainPublishQueueAsync();
        var before = await server.PagePropertiesAsync("/world/2026/11/27/redelivered/");

        await server.Get<Publisher>().HandleAsync(message, 2, CancellationToken.None);

        Assert.Equal(before.ETag, (await server.PagePropertiesAsync("/world/2026/11/27/redelivered/")).ETag);
    }
}
