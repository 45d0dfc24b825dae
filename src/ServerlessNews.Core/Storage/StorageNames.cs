namespace ServerlessNews.Storage;

/// <summary>
/// Names of the containers, queues and tables. They are constants because trigger attributes in both
/// hosts (Functions and DevServer) need them at compile time, and the Bicep in infra/ creates the same names.
/// </summary>
public static class StorageNames
{
    public const string InboxContainer = "inbox";
    public const string SubmissionsContainer = "submissions";
    public const string ContentContainer = "content";
    public const string WebContainer = "$web";
    public const string TemplatesContainer = "templates";
    public const string RejectedContainer = "rejected";
    public const string ImagesContainer = "images";

    public const string PublishQueue = "publish";
    public const string RefreshQueue = "refresh";
    public const string ModerateQueue = "moderate";

    public const string ArticlesTable = "articles";
    public const string ListingsTable = "listings";
    public const string ListingHeadsTable = "listingheads";
    public const string CommentsTable = "comments";
    public const string CommentersTable = "commenters";
    public const string DeliveriesTable = "deliveries";
    public const string ImageUsesTable = "imageuses";

    /// <summary>The blob path a blob trigger watches for CMS drops.</summary>
    public const string InboxBlobPath = InboxContainer + "/{name}";

    /// <summary>The blob path the rendition function watches for uploaded images.</summary>
    public const string ImagesBlobPath = ImagesContainer + "/{name}";

    public static readonly IReadOnlyList<string> Containers =
        [InboxContainer, SubmissionsContainer, ContentContainer, WebContainer, TemplatesContainer, RejectedContainer, ImagesContainer];

    public static readonly IReadOnlyList<string> Queues = [PublishQueue, RefreshQueue, ModerateQueue];

    public static readonly IReadOnlyList<string> Tables =
        [ArticlesTable, ListingsTable, ListingHeadsTable, CommentsTable, CommentersTable, DeliveriesTable, ImageUsesTable];
}
