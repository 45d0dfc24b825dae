namespace ServerlessNews.Index;

/// <summary>A listing as readers see it: its key in the table, its name and its public folder.</summary>
public sealed record ListingRef(string Kind, string Slug, string Name)
{
    public const string All = "all";
    public const string SectionKind = "section";
    public const string TagKind = "tag";
    public const string AuthorKind = "author";

    public static readonly ListingRef Home = new(All, "", "");

    public string Key => Kind == All ? All : Kind + "|" + Slug;

    /// <summary>The front page: "/", "/world/", "/tag/transport/", "/author/ana-ruiz/".</summary>
    public string BasePath => Kind switch
    {
        All => "/",
        SectionKind => "/" + Slug + "/",
        _ => "/" + Kind + "/" + Slug + "/",
    };

    /// <summary>Month archives live under the front page, except the whole site's, which would clash with section folders.</summary>
    public string ArchivePath(string month) =>
        (Kind == All ? "/archive/" : BasePath) + month.Replace('-', '/') + "/";

    /// <summary>Only the site and its sections have feeds.</summary>
    public bool HasFeed => Kind is All or SectionKind;

    /// <summary>The listing's RSS 2.0 feed, beside its front page.</summary>
    public string RssPath => BasePath + "feed.xml";

    /// <summary>The listing's Atom feed, beside its front page.</summary>
    public string AtomPath => BasePath + "atom.xml";

    public static ListingRef Section(string name) => new(SectionKind, Articles.Slug.ForSection(name), name);
    public static ListingRef Tag(string name) => new(TagKind, Articles.Slug.From(name), name);
    public static ListingRef Author(string name) => new(AuthorKind, Articles.Slug.From(name), name);

    /// <summary>Parses a key back; the name is unknown until a row is read.</summary>
    public static ListingRef? Parse(string key)
    {
        if (key == All)
        {
            return Home;
        }
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || bar == key.Length - 1)
        {
            return null;
        }
        var kind = key[..bar];
        var slug = key[(bar + 1)..];
        return kind is SectionKind or TagKind or AuthorKind && IsSlug(slug) ? new ListingRef(kind, slug, slug) : null;
    }

    private static bool IsSlug(string text) => text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Every listing an article belongs to: the site, its section, each tag, each author.</summary>
    public static IReadOnlyList<ListingRef> For(string section, IEnumerable<string> tags, IEnumerable<string> authors)
    {
        var all = new List<ListingRef> { Home, Section(section) };
        all.AddRange(tags.Select(Tag));
        all.AddRange(authors.Select(Author));
        return all.DistinctBy(l => l.Key).ToList();
    }
}
