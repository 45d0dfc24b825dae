using System.ComponentModel.DataAnnotations;

namespace ServerlessNews.Images;

/// <summary>Limits of the rendition function: what it refuses, and how many pages one image may re-render.</summary>
public sealed class ImageOptions
{
    public const string SectionName = "Images";

    /// <summary>Largest upload accepted, in bytes (a camera's JPEG is 5–15 MB).</summary>
    [Range(typeof(long), "1024", "1073741824")]
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Largest image accepted, in pixels (width × height): decoding holds about 3–4 bytes per pixel.</summary>
    [Range(typeof(long), "1", "1000000000")]
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>
    /// Pages re-rendered when an image's renditions appear or change (the articles that use it). More are left
    /// as they are, still showing the image at its original URL, and logged: the operator's rebuild updates them.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxRerenders { get; set; } = 200;
}
