using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using ServerlessNews.Publishing;
using ServerlessNews.Storage;

namespace ServerlessNews.Operations;

public sealed record RebuildProgress(int Done, int Total, int Skipped, TimeSpan Elapsed);

/// <summary>
/// Re-renders every article page from its normalized document, e.g. after a theme change. Runs as an
/// operator command, not on any request path, so listing the content container is acceptable here.
/// Downloads, renders and uploads overlap (bounded parallelism), which also bounds memory.
/// </summary>
public sealed partial class SiteRebuild(BlobServiceClient blobs, Publisher publisher, ILogger<SiteRebuild> logger)
{
    private readonly BlobContainerClient _content = blobs.GetBlobContainerClient(StorageNames.ContentContainer);

    public async Task<RebuildProgress> RebuildArticlesAsync(IProgress<RebuildProgress>? progress, int parallelism, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var names = new List<string>();
        await foreach (var blob in _content.GetBlobsAsync(cancellationToken: ct))
        {
            names.Add(blob.Name);
        }
        int done = 0, skipped = 0;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (name, token) =>
        {
            var json = (await _content.GetBlobClient(name).DownloadContentAsync(token)).Value.Content;
            var document = JsonSerializer.Deserialize(json, CoreJsonContext.Default.ArticleDocument);
            if (document is null || document.Path.Length == 0)
            {
                Interlocked.Increment(ref skipped);
            }
            else
            {
                // Same revision: replaces the page, but never one a newer publish wrote meanwhile.
                await publisher.WritePageAsync(document, token);
            }
            var count = Interlocked.Increment(ref done);
            if (count % 100 == 0 || count == names.Count)
            {
                progress?.Report(new RebuildProgress(count, names.Count, Volatile.Read(ref skipped), watch.Elapsed));
            }
        });
        LogRebuilt(done, skipped, watch.Elapsed.TotalSeconds);
        return new RebuildProgress(done, names.Count, skipped, watch.Elapsed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt {Count} article pages ({Skipped} skipped) in {Seconds:0.0} s")]
    private partial void LogRebuilt(int count, int skipped, double seconds);
}
