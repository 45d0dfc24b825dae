using Microsoft.Azure.Functions.Worker;
using ServerlessNews.Images;
using ServerlessNews.Storage;

namespace ServerlessNews.Functions;

/// <summary>
/// An editor or a CMS uploads an image to images/; its renditions, manifest and full-size copy go to $web and
/// the pages that use it are rendered again. Event Grid delivers the event, as for the inbox. The blob comes as
/// a stream, so that an upload over the size limit is refused without being read.
/// </summary>
public sealed class MakeImageRenditions(ImageUploadHandler handler)
{
    [Function(nameof(MakeImageRenditions))]
    public Task Run(
        [BlobTrigger(StorageNames.ImagesBlobPath, Source = BlobTriggerSource.EventGrid)] Stream content,
        string name,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(name, content, cancellationToken);
}
