namespace ServerlessNews.Index;

/// <summary>
/// The rows nearest to a position in a listing: the <c>size</c> rows published just before it and the <c>size</c>
/// published just after, by row key (inverted publish time, then id), the position's own row left out. Related
/// articles are drawn from these windows, so that a change to one row can change the related block only of the
/// pages within <c>size</c> positions of it.
/// </summary>
public static class ListingWindow
{
    /// <summary>The window around <paramref name="rowKey"/> in <paramref name="rows"/>, sorted by row key (newest first).</summary>
    public static List<ListingEntity> Around(IReadOnlyList<ListingEntity> rows, string rowKey, int size)
    {
        // The first row whose key is not below the position's.
        int low = 0, high = rows.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (string.CompareOrdinal(rows[mid].RowKey, rowKey) < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        var newerFrom = Math.Max(0, low - size);
        var olderFrom = low < rows.Count && rows[low].RowKey == rowKey ? low + 1 : low;
        var window = new List<ListingEntity>(2 * size);
        for (var i = newerFrom; i < low; i++)
        {
            window.Add(rows[i]);
        }
        for (var i = olderFrom; i < Math.Min(rows.Count, olderFrom + size); i++)
        {
            window.Add(rows[i]);
        }
        return window;
    }
}
