using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using ServerlessNews.Images;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Images;

/// <summary>Limits small enough for a test to cross them with a real image.</summary>
public sealed class ImageLimitsFixture : StorageFixture
{
    public const int MaxBytes = 1_500_000;
    public const int MaxPixels = 4_000_000;

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Images:MaxBytes"] = MaxBytes.ToString(CultureInfo.InvariantCulture);
        settings["Images:MaxPixels"] = MaxPixels.ToString(CultureInfo.InvariantCulture);
        return settings;
    }
}

/// <summary>The rendition function on real images made in the test: a JPEG, a PNG, a corrupt file, files over each limit.</summary>
public sealed class RenditionTests(ImageLimitsFixture storage) : IClassFixture<ImageLimitsFixture>
{
    private async Task<ImageManifest?> ManifestAsync(string name) =>
        await storage.WebFileAsync("/" + ImageReference.ManifestBlob(name)) is { } json ? JsonSerializer.Deserialize<ImageManifest>(json, JsonSerializerOptions.Web) : null;

    private async Task<(byte[] Content, BlobProperties Properties)> WebBlobAsync(string path)
    {
        var blob = storage.Container(StorageNames.WebContainer).GetBlobClient(path.TrimStart('/'));
        var download = (await blob.DownloadContentAsync()).Value;
        return (download.Content.ToArray(), (await blob.GetPropertiesAsync()).Value);
    }

    private async Task<JsonElement?> ProblemAsync(string name)
    {
        var blob = storage.Container(StorageNames.RejectedContainer).GetBlobClient(ImageUploadHandler.ProblemBlob(name));
        return await blob.ExistsAsync() ? JsonDocument.Parse((await blob.DownloadContentAsync()).Value.Content.ToString()).RootElement : null;
    }

    private async Task<List<string>> RenditionNamesAsync(string stem)
    {
        var names = new List<string>();
        await foreach (var item in storage.Container(StorageNames.WebContainer).GetBlobsAsync(new GetBlobsOptions { Prefix = ImageReference.RenditionFolder + stem }))
        {
            names.Add(item.Name);
        }
        return names;
    }

    [Fact]
    public async Task A_jpeg_becomes_avif_webp_and_jpeg_at_every_width_up_to_its_own_and_three_crops()
    {
        await TestImages.UploadAndProcessAsync(storage, "harbour.jpg", TestImages.Jpeg(1500, 1000));

        var manifest = (await ManifestAsync("harbour.jpg"))!;
        Assert.Equal((1500, 1000), (manifest.Width, manifest.Height));
        Assert.Equal(["image/avif", "image/webp", "image/jpeg"], manifest.Formats);
        Assert.Equal([320, 480, 640, 800, 960, 1280, 1500], manifest.Renditions.Select(r => r.Width));
        foreach (var rendition in manifest.Renditions)
        {
            Assert.Equal((int)Math.Round(rendition.Width / 1.5), rendition.Height, tolerance: 1);
            foreach (var (type, path) in rendition.Files)
            {
                var (content, properties) = await WebBlobAsync(path);
                Assert.Equal(type, properties.ContentType);
                Assert.Equal(ImageUploadHandler.ImmutableCacheControl, properties.CacheControl);
                Assert.Equal((rendition.Width, rendition.Height), TestImages.Decode(content));
                Assert.Contains(manifest.Version, path, StringComparison.Ordinal);
            }
        }
        Assert.Equal(["16x9", "4x3", "1x1"], manifest.Crops.Select(c => c.Ratio));
        Assert.Equal([(1200, 675), (1200, 900), (1000, 1000)], manifest.Crops.Select(c => (c.Width, c.Height)));
        foreach (var crop in manifest.Crops)
        {
            Assert.Equal((crop.Width, crop.Height), TestImages.Decode((await WebBlobAsync(crop.Path)).Content));
        }
        // The full-size copy at the original URL: what pages show before they have renditions.
        var (original, originalProperties) = await WebBlobAsync("/images/harbour.jpg");
        Assert.Equal("image/jpeg", originalProperties.ContentType);
        Assert.Equal((1500, 1000), TestImages.Decode(original));
        Assert.Null(await ProblemAsync("harbour.jpg"));
    }

    [Fact]
    public async Task A_png_with_transparency_falls_back_to_png_and_a_small_one_is_never_upscaled()
    {
        await TestImages.UploadAndProcessAsync(storage, "graphics/chart.png", TestImages.PngWithAlpha(500, 300));

        var manifest = (await ManifestAsync("graphics/chart.png"))!;
        Assert.Equal(["image/avif", "image/webp", "image/png"], manifest.Formats);
        Assert.Equal([320, 480, 500], manifest.Renditions.Select(r => r.Width));
        Assert.All(manifest.Crops, c => Assert.True(c.Width <= 500 && c.Height <= 300, $"{c.Ratio} crop is {c.Width}x{c.Height}"));
        Assert.Equal((300, 300), (manifest.Crop("1x1")!.Width, manifest.Crop("1x1")!.Height));
        var (png, properties) = await WebBlobAsync(manifest.Largest.Files["image/png"]);
        Assert.Equal("image/png", properties.ContentType);
        using var decoded = NetVips.Image.NewFromBuffer(png);
        Assert.True(decoded.HasAlpha());
        Assert.StartsWith("images/_/graphics/chart-", manifest.Largest.Files["image/png"].TrimStart('/'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_upload_twice_writes_nothing_new()
    {
        var jpeg = TestImages.Jpeg(700, 400);
        await TestImages.UploadAndProcessAsync(storage, "twice.jpg", jpeg);
        var first = await RenditionNamesAsync("twice-");
        var manifestTag = (await WebBlobAsync("/images/twice.jpg.json")).Properties.ETag;

        await TestImages.UploadAndProcessAsync(storage, "twice.jpg", jpeg);

        Assert.Equal(first, await RenditionNamesAsync("twice-"));
        Assert.Equal(manifestTag, (await WebBlobAsync("/images/twice.jpg.json")).Properties.ETag);
        // [320, 480, 640, 700] in three formats, and three crops.
        Assert.Equal(15, first.Count);
    }

    [Fact]
    public async Task A_replaced_image_gets_new_renditions_and_the_old_ones_stay_for_pages_rendered_with_them()
    {
        await TestImages.UploadAndProcessAsync(storage, "replaced.jpg", TestImages.Jpeg(700, 400));
        var before = (await ManifestAsync("replaced.jpg"))!;
        await TestImages.UploadAndProcessAsync(storage, "replaced.jpg", TestImages.Jpeg(400, 700));
        var after = (await ManifestAsync("replaced.jpg"))!;

        Assert.NotEqual(before.Version, after.Version);
        Assert.Equal((400, 700), (after.Width, after.Height));
        Assert.Equal((700, 400), TestImages.Decode((await WebBlobAsync(before.Largest.Files["image/jpeg"])).Content));
    }

    private static byte[] Content(string name) => name switch
    {
        "corrupt.jpg" => TestImages.TruncatedJpeg(800, 600),
        "huge-file.jpg" => TestImages.Jpeg(1900, 1900, quality: 100),
        "huge-pixels.png" => NetVips.Image.Black(2100, 2000).PngsaveBuffer(),
        "not-an-image.jpg" => "<svg xmlns='http://www.w3.org/2000/svg'/>"u8.ToArray(),
        _ => "GIF89a"u8.ToArray(),
    };

    [Theory]
    [InlineData("corrupt.jpg", "corrupt or truncated")]
    [InlineData("huge-file.jpg", "limit is 1,500,000 (Images__MaxBytes)")]
    [InlineData("huge-pixels.png", "limit is 4,000,000 (Images__MaxPixels)")]
    [InlineData("not-an-image.jpg", "not a JPEG, PNG or WebP")]
    [InlineData("animation.gif", "ending in .jpg, .jpeg, .png or .webp")]
    public async Task A_bad_or_huge_upload_is_refused_with_its_reason_and_publishes_nothing(string name, string reason)
    {
        var bytes = Content(name);
        if (name.StartsWith("huge-file", StringComparison.Ordinal))
        {
            Assert.True(bytes.Length > ImageLimitsFixture.MaxBytes, $"the test image is only {bytes.Length} bytes");
        }
        await TestImages.UploadAndProcessAsync(storage, name, bytes);

        var problem = (await ProblemAsync(name))!.Value;
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty("image")[0].GetString(), StringComparison.Ordinal);
        Assert.Null(await ManifestAsync(name));
        Assert.Empty(await RenditionNamesAsync(Path.GetFileNameWithoutExtension(name) + "-"));
        Assert.Null(await storage.WebFileAsync("/images/" + name));
        // The upload itself is kept: nothing a newsroom sends is lost.
        Assert.True(await storage.Container(StorageNames.ImagesContainer).GetBlobClient(name).ExistsAsync());
    }

    [Fact]
    public async Task A_good_upload_after_a_refused_one_clears_the_reason()
    {
        await TestImages.UploadAndProcessAsync(storage, "fixed.jpg", TestImages.TruncatedJpeg(600, 400));
        Assert.NotNull(await ProblemAsync("fixed.jpg"));

        await TestImages.UploadAndProcessAsync(storage, "fixed.jpg", TestImages.Jpeg(600, 400));

        Assert.Null(await ProblemAsync("fixed.jpg"));
        Assert.NotNull(await ManifestAsync("fixed.jpg"));
    }
}
