using System.Globalization;
using NetVips;

namespace ServerlessNews.Images;

/// <summary>One file the rendition function writes to <c>$web</c>.</summary>
public sealed record RenditionFile(string Blob, string ContentType, byte[] Content);

/// <summary>An upload the rendition function will not publish, with the reason it gives the newsroom.</summary>
public sealed class ImageRefusedException(string reason) : Exception(reason);

/// <summary>
/// Turns an uploaded JPEG, PNG or WebP into renditions with libvips (NetVips), the engine Ghost and sharp use:
/// it decodes a JPEG at a fraction of its size when it only needs a smaller one, streams instead of holding
/// whole bitmaps, and encodes AVIF, WebP and JPEG. Only those three formats, recognised by their first bytes,
/// reach a decoder; libvips' less-audited loaders are blocked outright.
/// </summary>
public static class RenditionMaker
{
    /// <summary>
    /// Widths offered in <c>srcset</c>, from a phone to a wide desktop, closer together where phones are (a 412 px
    /// screen at 1.75 dppx wants 721 px); the upload's own width is added when smaller.
    /// </summary>
    public static readonly IReadOnlyList<int> Widths = [320, 480, 640, 800, 960, 1280, 1600, 1920];

    /// <summary>Search engines want images at least this wide in each ratio of <see cref="CropRatios"/>.</summary>
    public const int CropWidth = 1200;

    public static readonly IReadOnlyList<(string Name, int Across, int Down)> CropRatios = [("16x9", 16, 9), ("4x3", 4, 3), ("1x1", 1, 1)];

    public const string Avif = "image/avif";
    public const string Webp = "image/webp";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";

    static RenditionMaker()
    {
        NetVips.NetVips.BlockUntrusted = true;
        // Each upload is different: caching decoded operations would only hold memory.
        Cache.Max = 0;
    }

    /// <summary>The upload's format from its first bytes (its name's extension may lie); null when it is none of the three.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content) => content switch
    {
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => Webp,
        _ => null,
    };

    /// <returns>The renditions and crops, the full-size copy (last but one) and the manifest that lists them (last).</returns>
    /// <exception cref="ImageRefusedException">Not a JPEG, PNG or WebP; over <paramref name="maxPixels"/>; corrupt or truncated.</exception>
    public static (ImageManifest Manifest, IReadOnlyList<RenditionFile> Files) Make(string name, string version, byte[] content, long maxPixels)
    {
        var format = Sniff(content)
            ?? throw new ImageRefusedException("The file is not a JPEG, PNG or WebP image (its first bytes say so, whatever its name says).");
        try
        {
            return MakeChecked(name, version, content, format, maxPixels);
        }
        catch (VipsException e)
        {
            var detail = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? e.Message;
            throw new ImageRefusedException($"The image is corrupt or truncated and cannot be decoded ({detail}).");
        }
    }

    private static (ImageManifest, IReadOnlyList<RenditionFile>) MakeChecked(string name, string version, byte[] content, string format, long maxPixels)
    {
        int width, height;
        // Opening reads the header only: the size is checked before a pixel is decoded.
        using (var header = Image.NewFromBuffer(content, access: Enums.Access.Sequential))
        {
            var pixels = (long)header.Width * header.Height;
            if (pixels > maxPixels)
            {
                throw new ImageRefusedException(string.Create(CultureInfo.InvariantCulture,
                    $"The image is {header.Width}×{header.Height} = {pixels:N0} pixels; the limit is {maxPixels:N0} (Images__MaxPixels)."));
            }
            // Orientations 5–8 turn the picture a quarter: what readers see is the other way round.
            var turned = header.GetTypeOf("orientation") != IntPtr.Zero && (int)header.Get("orientation") is >= 5 and <= 8;
            (width, height) = turned ? (header.Height, header.Width) : (header.Width, header.Height);
        }

        var largestWidth = Math.Min(width, Widths[^1]);
        // Decoded once, at the largest size needed (a JPEG is shrunk while it is decoded), rotated upright, in
        // sRGB; every smaller rendition and crop is made from it. Decoding fails here on a corrupt file.
        using var largest = Image.ThumbnailBuffer(content, largestWidth, optionString: "fail_on=error",
            height: BoxHeight(width, height, largestWidth), size: Enums.Size.Down).CopyMemory();
        var fallback = largest.HasAlpha() ? Png : Jpeg;
        string[] formats = [Avif, Webp, fallback];

        var files = new List<RenditionFile>();
        var renditions = new List<ImageRendition>();
        foreach (var w in Widths.Where(w => w < largest.Width).Append(largest.Width))
        {
            using var resized = w == largest.Width ? largest.Copy() : largest.ThumbnailImage(w, height: BoxHeight(largest.Width, largest.Height, w), size: Enums.Size.Down).CopyMemory();
            var paths = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var type in formats)
            {
                var blob = ImageReference.RenditionBlob(name, version, w.ToString(CultureInfo.InvariantCulture), Extension(type));
                files.Add(new RenditionFile(blob, type, Encode(resized, type)));
                paths[type] = "/" + blob;
            }
            renditions.Add(new ImageRendition(resized.Width, resized.Height, paths));
        }

        var crops = new List<ImageCrop>();
        foreach (var (ratio, across, down) in CropRatios)
        {
            // The largest box of this ratio inside the image, scaled down to CropWidth at most.
            var boxWidth = Math.Min(largest.Width, largest.Height * across / down);
            var cropWidth = Math.Min(boxWidth, CropWidth);
            var cropHeight = Math.Max(1, cropWidth * down / across);
            using var cropped = largest.ThumbnailImage(cropWidth, height: cropHeight, crop: Enums.Interesting.Attention, size: Enums.Size.Down);
            var blob = ImageReference.RenditionBlob(name, version, ratio, Extension(fallback));
            files.Add(new RenditionFile(blob, fallback, Encode(cropped, fallback)));
            crops.Add(new ImageCrop(ratio, cropped.Width, cropped.Height, "/" + blob));
        }

        // The full-size copy keeps the upload's name and format: it is what pages show until they have renditions.
        files.Add(new RenditionFile(ImageReference.OriginalBlob(name), format, Encode(largest, format)));
        var manifest = new ImageManifest(name, version, width, height, formats, renditions, crops, ImageReference.OriginalPath(name));
        return (manifest, files);
    }

    /// <summary>A box height that never limits a resize to <paramref name="toWidth"/> (libvips fits both sides).</summary>
    private static int BoxHeight(int width, int height, int toWidth) => (int)Math.Ceiling((double)height * toWidth / width) + 2;

    public static string Extension(string type) => type switch
    {
        Avif => "avif",
        Webp => "webp",
        Png => "png",
        _ => "jpg",
    };

    /// <summary>Qualities where the formats look alike to a reader; no metadata is kept (camera serials and GPS positions leave with it).</summary>
    private static byte[] Encode(Image image, string type) => type switch
    {
        Avif => image.HeifsaveBuffer(q: 50, compression: Enums.ForeignHeifCompression.Av1, effort: 2, keep: Enums.ForeignKeep.None),
        Webp => image.WebpsaveBuffer(q: 75, keep: Enums.ForeignKeep.None),
        Png => image.PngsaveBuffer(keep: Enums.ForeignKeep.None),
        _ => image.JpegsaveBuffer(q: 80, optimizeCoding: true, interlace: true, keep: Enums.ForeignKeep.None),
    };
}
