using Fluid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServerlessNews.Comments;

namespace ServerlessNews.Moderation;

public static class ModerationServiceCollectionExtensions
{
    /// <summary>Moderation of reader comments: the pipeline of rules, the <c>moderate</c> handler, the moderation API and its console.</summary>
    public static IServiceCollection AddModeration(this IServiceCollection services)
    {
        services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // The commenters' keyed hashes and tokens take their secret from the moderation settings.
        services.AddOptions<CommentKeyOptions>().Configure<IOptions<ModerationOptions>>((keys, moderation) => keys.HashKey = moderation.Value.EffectiveHashKey);

        services.AddSingleton<FloodRecord>();
        services.AddHttpClient<HttpCommentClassifier>();
        services.TryAddSingleton<ICommentClassifier>(sp =>
            sp.GetRequiredService<IOptions<ModerationOptions>>().Value.Classifier == "http"
                ? sp.GetRequiredService<HttpCommentClassifier>()
                : new NoCommentClassifier());
        services.AddSingleton<ModerationPipeline>();
        services.AddSingleton<Moderator>();
        services.AddSingleton<KeyAttempts>();
        services.AddSingleton<ModerationCredential>();
        services.AddSingleton<ModerationApiHandler>();
        services.AddSingleton<ModerationConsole>();

        var members = Rendering.PageRenderer.Options.MemberAccessStrategy;
        members.Register<ConsoleView>();
        members.Register<ConsoleTabView>();
        members.Register<ConsoleNoticeView>();
        members.Register<ConsoleItemView>();
        members.Register<ConsoleParentView>();
        members.Register<ConsoleCountView>();
        members.Register<ConsoleActionView>();
        members.Register<SignInView>();
        members.Register<CommenterView>();
        return services;
    }
}
