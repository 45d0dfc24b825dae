using NetVips;
using ServerlessNews.Images;
using ServerlessNews.Storage;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Images;

/// <summary>Real images made for a test with libvips: gradients with noise, like a photo, so encoders have work to do.</summary>
public static class TestImages
{
    public static byte[] Jpeg(int width, int height, int quality = 90) => Photo(width, height).JpegsaveBuffer(q: quality);

    /// <summary>A PNG with a transparent band, as a newsroom's graphic may have.</summary>
    public static byte[] PngWithAlpha(int width, int height)
    {
        using var photo = Photo(width, height);
        using var xy = Image.Xyz(width, height);
        using var alpha = (xy[1] > height / 4).Ifthenelse(255, 0).Cast(Enums.BandFormat.Uchar);
        return photo.Bandjoin(alpha).PngsaveBuffer();
    }

    public static byte[] Png(int width, int height) => Photo(width, height).PngsaveBuffer();

    /// <summary>The first half of a valid JPEG: its header reads, its pixels do not.</summary>
    public static byte[] TruncatedJpeg(int width, int height)
    {
        var jpeg = Jpeg(width, height);
        return jpeg[..(jpeg.Length / 2)];
    }

    private static Image Photo(int width, int height)
    {
        using var xy = Image.Xyz(width, height);
        using var noise = Image.Gaussnoise(width, height, sigma: 18);
        using var red = xy[0] * (255.0 / width) + noise;
        using var green = xy[1] * (255.0 / height) + noise;
        using var blue = (xy[0] + xy[1]) * (127.0 / (width + height)) + 64;
        return red.Bandjoin(green, blue).Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>Uploads to <c>images/</c> and plays the blob trigger: the handler gets the blob's stream, as both hosts give it.</summary>
    public static async Task UploadAndProcessAsync(StorageFixture storage, string name, byte[] content)
    {
        var blob = storage.Container(StorageNames.ImagesContainer).GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        await using var stream = await blob.OpenReadAsync();
        await storage.Get<ImageUploadHandler>().HandleAsync(name, stream, CancellationToken.None);
    }

    /// <summary>Width, height and whether the bytes decode (libvips, which also reads AVIF).</summary>
    public static (int Width, int Height) Decode(byte[] content)
    {
        using var image = Image.NewFromBuffer(content, failOn: Enums.FailOn.Error);
        using var memory = image.CopyMemory();
        return (memory.Width, memory.Height);
    }
}
