using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Net.Http.Headers;
using ServerlessNews.Storage;

namespace ServerlessNews.DevServer;

/// <summary>
/// Serves the rendered site from <c>$web</c> at <c>/</c>, as the storage static website does in Azure
/// (Azurite has no static-website endpoint): index documents, the 404 document, ETags.
/// </summary>
public static class StaticSite
{
    public static IEndpointRouteBuilder MapStaticSite(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], ServeAsync);
        return app;
    }

    private static async Task ServeAsync(HttpContext context, BlobServiceClient blobs, string? path, CancellationToken ct)
    {
        var web = blobs.GetBlobContainerClient(StorageNames.WebContainer);
        path ??= "";
        if (path.Contains("..", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var name = path.Length == 0 || path.EndsWith('/') ? path + "index.html" : path;
        if (await TryServeAsync(context, web.GetBlobClient(name), StatusCodes.Status200OK, ct))
        {
            return;
        }
        // "/world/2026/11/27/x" → "/world/2026/11/27/x/", as the static website does for folders.
        if (!Path.HasExtension(name) && await web.GetBlobClient(name + "/index.html").ExistsAsync(ct))
        {
            context.Response.Redirect("/" + path + "/" + context.Request.QueryString, permanent: true);
            return;
        }
        if (!await TryServeAsync(context, web.GetBlobClient("404.html"), StatusCodes.Status404NotFound, ct))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Not found.", ct);
        }
    }

    private static async Task<bool> TryServeAsync(HttpContext context, BlobClient blob, int status, CancellationToken ct)
    {
        try
        {
            var conditions = status == StatusCodes.Status200OK && context.Request.Headers.IfNoneMatch.Count > 0
                ? new BlobRequestConditions { IfNoneMatch = new ETag(context.Request.Headers.IfNoneMatch.ToString()) }
                : null;
            var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = conditions }, ct);
            var details = download.Value.Details;
            context.Response.StatusCode = status;
            context.Response.ContentType = details.ContentType;
            context.Response.Headers[HeaderNames.ETag] = details.ETag.ToString("H");
            if (details.CacheControl is { Length: > 0 } cacheControl)
            {
                context.Response.Headers.CacheControl = cacheControl;
            }
            context.Response.ContentLength = download.Value.Details.ContentLength;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await download.Value.Content.CopyToAsync(context.Response.Body, ct);
            }
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 304)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }
}
