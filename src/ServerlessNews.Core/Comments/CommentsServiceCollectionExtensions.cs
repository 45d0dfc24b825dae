using Fluid;
using Microsoft.Extensions.DependencyInjection;
using ServerlessNews.Publishing;
using ServerlessNews.Rendering;

namespace ServerlessNews.Comments;

public static class CommentsServiceCollectionExtensions
{
    /// <summary>Reader comments: intake, the pending-comment status, and the comments block on article pages.</summary>
    public static IServiceCollection AddComments(this IServiceCollection services)
    {
        services.AddOptions<CommentOptions>().BindConfiguration(CommentOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CommentKeyOptions>().ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<CommentKeys>();
        services.AddSingleton<CommentStore>();
        services.AddSingleton<FloodGate>();
        services.AddSingleton<CommentRateLimits>();
        services.AddSingleton<PublishedArticleCache>();
        services.AddSingleton<IArticleStateObserver>(sp => sp.GetRequiredService<PublishedArticleCache>());
        services.AddSingleton<CommentFormatter>();
        services.AddSingleton<CommentPages>();
        services.AddSingleton<CommentFormErrorsPage>();
        services.AddSingleton<CommentIntakeHandler>();
        services.AddSingleton<CommentStatusHandler>();
        services.AddSingleton<IArticlePageSection, CommentsSection>();
        services.AddSingleton<Site.IClockedOutputs, CommentsClosing>();

        var members = PageRenderer.Options.MemberAccessStrategy;
        members.Register<CommentsView>();
        members.Register<CommentView>();
        members.Register<CommentFormView>();
        members.Register<CommentFormErrorsView>();
        members.Register<FieldErrorView>();
        members.Register<CommentFormValues>();
        return services;
    }
}
