using ServerlessNews.Index;

namespace ServerlessNews.Site;

/// <summary>
/// A listing's name as its articles spell it ("Transport" for "tag|transport"): from the rows read anyway, else, for a
/// section that has none left, from the known sections; else its slug.
/// </summary>
public sealed class ListingNames(SectionIndex sections)
{
    public async Task<ListingRef> NameAsync(ListingRef listing, IReadOnlyList<ListingEntity> rows, CancellationToken ct)
    {
        if (rows.Count > 0 && rows[0] is { ListingName.Length: > 0 } row)
        {
            return listing with { Name = row.ListingName };
        }
        if (listing.Kind == ListingRef.SectionKind && (await sections.ListAsync(ct)).Find(s => s.Slug == listing.Slug) is { } known)
        {
            return listing with { Name = known.Name };
        }
        return listing;
    }
}
