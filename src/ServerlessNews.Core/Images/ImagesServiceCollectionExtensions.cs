using Microsoft.Extensions.DependencyInjection;

namespace ServerlessNews.Images;

public static class ImagesServiceCollectionExtensions
{
    /// <summary>Renditions of uploaded images, and what pages need to show them.</summary>
    public static IServiceCollection AddImages(this IServiceCollection services)
    {
        services.AddOptions<ImageOptions>().BindConfiguration(ImageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ImageUses>();
        services.AddSingleton<ImageResolver>();
        services.AddSingleton<ImageUploadHandler>();
        return services;
    }
}
