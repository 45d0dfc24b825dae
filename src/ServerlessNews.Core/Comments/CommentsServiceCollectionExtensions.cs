using Fluid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServerlessNews.Moderation;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;

namespace ServerlessNews.Comments;

public static class CommentsServiceCollectionExtensions
{
    /// <summary>Reader comments: intake, moderation, the moderation API and the comments block on article pages.</summary>
    public static IServiceCollection AddComments(this IServiceCollection services)
    {
        services.AddOptions<CommentOptions>().BindConfiguration(CommentOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<CommentKeys>();
        services.AddSingleton<CommentStore>();
        services.AddSingleton<FloodGate>();
        services.AddSingleton<PublishedArticleCache>();
        services.AddSingleton<IArticleStateObserver>(sp => sp.GetRequiredService<PublishedArticleCache>());
        services.AddSingleton<FloodRecord>();
        services.AddSingleton<CommentFormatter>();
        services.AddSingleton<CommentPages>();
        services.AddSingleton<CommentIntakeHandler>();
        services.AddSingleton<CommentStatusHandler>();
        services.AddSingleton<IArticlePageSection, CommentsSection>();

        services.AddHttpClient<HttpCommentClassifier>();
        services.TryAddSingleton<ICommentClassifier>(sp =>
            sp.GetRequiredService<IOptions<ModerationOptions>>().Value.Classifier == "http"
                ? sp.GetRequiredService<HttpCommentClassifier>()
                : new NoCommentClassifier());
        services.AddSingleton<ModerationPipeline>();
        services.AddSingleton<Moderator>();
        services.AddSingleton<ModerationCredential>();
        services.AddSingleton<ModerationApiHandler>();

        var members = PageRenderer.Options.MemberAccessStrategy;
        members.Register<CommentsView>();
        members.Register<CommentView>();
        members.Register<CommentFormView>();
        return services;
    }
}
