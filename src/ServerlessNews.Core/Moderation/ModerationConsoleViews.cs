namespace ServerlessNews.Moderation;

/// <summary>The console page (<c>moderation.liquid</c>): one status's queue, its tabs, and what the last action did.</summary>
public sealed record ConsoleView(
    string Csrf,
    string ActionUrl,
    string QueueUrl,
    string SignOutUrl,
    string Status,
    string StatusLabel,
    string? Article,
    string? ArticleTitle,
    IReadOnlyList<ConsoleTabView> Tabs,
    IReadOnlyList<string> Items,
    string? NextUrl,
    string? AllArticlesUrl,
    ConsoleNoticeView? Notice);

/// <summary>A status tab; <see cref="Count"/> only for the queues that need a decision (held, pending).</summary>
public sealed record ConsoleTabView(string Status, string Label, string Url, int? Count, bool Current);

/// <summary>What the last action did, and the undo of a single decision.</summary>
public sealed record ConsoleNoticeView(string Message, bool Error, string? UndoItem, string? UndoAction);

/// <summary>One comment in the queue (<c>moderationitem.liquid</c>), rendered the same on the page and in the live updates.</summary>
public sealed record ConsoleItemView(
    string Key,
    string DomId,
    string Name,
    string? Website,
    string Html,
    string Status,
    string? Rule,
    string? Evidence,
    string CreatedAt,
    string Created,
    string ArticleId,
    string? ArticleTitle,
    string? ArticleUrl,
    string FilterUrl,
    ConsoleParentView? Parent,
    IReadOnlyList<ConsoleCountView> History,
    string CommenterUrl,
    IReadOnlyList<ConsoleActionView> Actions,
    string Csrf,
    string ActionUrl,
    string ReturnStatus,
    string? ReturnArticle);

/// <summary>The comment a reply answers, for thread context.</summary>
public sealed record ConsoleParentView(string Name, string Html, string Status);

/// <summary>How many comments of one status the commenter has.</summary>
public sealed record ConsoleCountView(string Status, int Count);

/// <summary>A decision button: the action posted, its label and its keyboard shortcut.</summary>
public sealed record ConsoleActionView(string Action, string Label, string Shortcut);

/// <summary>The sign-in page (<c>moderationsignin.liquid</c>).</summary>
public sealed record SignInView(string Action, string? Error, string? Notice);

/// <summary>A commenter's page (<c>moderationcommenter.liquid</c>): their history, export, and erasure after confirmation.</summary>
public sealed record CommenterView(string Csrf, string ActionUrl, string Item, string Name, IReadOnlyList<ConsoleCountView> History, int Total, string BackUrl);
