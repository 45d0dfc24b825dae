using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessNews.Images;

/// <summary>
/// What the rendition function made of one uploaded image, written beside it in <c>$web</c> (public:
/// <c>/images/harbour.jpg.json</c>) after every file it lists. Pages read it to write <c>&lt;picture&gt;</c>,
/// <c>srcset</c>, <c>width</c> and <c>height</c>; a CMS may read it too.
/// </summary>
/// <param name="Name">The name in the <c>images</c> container.</param>
/// <param name="Version">The first 12 hex digits of the upload's SHA-256: renditions of other content have other names.</param>
/// <param name="Width">Intrinsic width after the camera's rotation is applied.</param>
/// <param name="Formats">MIME types of the renditions, best first; the last is the fallback every browser shows.</param>
/// <param name="Renditions">Ascending widths, none wider than the upload (never upscaled).</param>
/// <param name="Crops">Cropped around the most interesting part, for search engines' and social cards' aspect ratios.</param>
/// <param name="Original">Path of the full-size copy (the largest rendition in the upload's own format).</param>
public sealed record ImageManifest(
    string Name,
    string Version,
    int Width,
    int Height,
    IReadOnlyList<string> Formats,
    IReadOnlyList<ImageRendition> Renditions,
    IReadOnlyList<ImageCrop> Crops,
    string Original)
{
    public string Fallback => Formats[^1];

    public ImageRendition Largest => Renditions[^1];

    public ImageCrop? Crop(string ratio) => Crops.FirstOrDefault(c => c.Ratio == ratio);
}

/// <param name="Files">Path of this width in each format, by MIME type.</param>
public sealed record ImageRendition(int Width, int Height, IReadOnlyDictionary<string, string> Files);

/// <param name="Ratio">"16x9", "4x3" or "1x1".</param>
public sealed record ImageCrop(string Ratio, int Width, int Height, string Path);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ImageManifest))]
internal sealed partial class ImagesJsonContext : JsonSerializerContext;
