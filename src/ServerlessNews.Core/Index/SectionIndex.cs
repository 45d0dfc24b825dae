using Azure;
using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// The site's sections, for the navigation on every page: a row per section that has articles in the <c>sections</c>
/// partition of the listings table (the record), and their list in one head (<see cref="ListingHeads.SectionsKey"/>),
/// which pages read with a point read. A section's row is kept by the refresh of that section's front page: added
/// with its first article, named as its newest article spells it, removed with its last.
/// </summary>
public sealed class SectionIndex(TableServiceClient tables, ListingHeads heads) : ListingsTableRows(tables)
{
    public const string Partition = "sections";
    private const string NameColumn = "Name";

    /// <summary>Records a section as it now is (<paramref name="section"/> null: it has no articles), and its head.</summary>
    /// <returns>True when the section list changed: every page shows it.</returns>
    public async Task<bool> SetAsync(string slug, SectionName? section, CancellationToken ct)
    {
        var stored = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, slug, cancellationToken: ct);
        var current = stored.HasValue ? new SectionName(slug, stored.Value!.GetString(NameColumn) ?? slug) : null;
        if (current == section)
        {
            // Unchanged, but the head may lag a write that failed before it (a retry of this refresh rewrites it).
            if (await HeadListsAsync(section, slug, ct))
            {
                return false;
            }
        }
        else if (section is null)
        {
            try
            {
                await Table.DeleteEntityAsync(Partition, slug, ETag.All, ct);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
        }
        else
        {
            await Table.UpsertEntityAsync(new TableEntity(Partition, slug) { [NameColumn] = section.Name }, TableUpdateMode.Replace, ct);
        }
        await RewriteHeadAsync(ct);
        return true;
    }

    private async Task<bool> HeadListsAsync(SectionName? section, string slug, CancellationToken ct)
    {
        var head = await heads.ReadAsync(ListingHeads.SectionsKey, ct);
        var listed = head is null ? [] : ListingHeads.Sections(head);
        return section is null ? !listed.Exists(s => s.Slug == slug) : listed.Contains(section);
    }

    /// <summary>Rewrites the sections head from the partition, conditionally on the head read before the query.</summary>
    public async Task RewriteHeadAsync(CancellationToken ct)
    {
        while (true)
        {
            var head = await heads.ReadAsync(ListingHeads.SectionsKey, ct);
            if (await heads.TryWriteAsync(ListingHeads.SectionsKey, ListingHeads.SectionsJson(await QueryAsync(ct)), head, ct))
            {
                return;
            }
        }
    }

    /// <summary>Known sections, ordered by name: one point read of the sections head.</summary>
    public async Task<List<SectionName>> ListAsync(CancellationToken ct) =>
        await ListAsync(await heads.ReadAsync(ListingHeads.SectionsKey, ct), ct);

    /// <summary>The known sections from the sections head as read before (null: none), else from their partition.</summary>
    public async Task<List<SectionName>> ListAsync(ListingHeadEntity? head, CancellationToken ct) =>
        head is not null ? ListingHeads.Sections(head) : await QueryAsync(ct);

    /// <summary>Replaces every row with <paramref name="sections"/> (a rebuild repairing the index).</summary>
    /// <returns>How many rows changed.</returns>
    public async Task<int> ReplaceAllAsync(IReadOnlyList<SectionName> sections, CancellationToken ct)
    {
        var stored = await QueryAsync(ct);
        var changed = 0;
        foreach (var gone in stored.Where(s => !sections.Any(k => k.Slug == s.Slug)))
        {
            await Table.DeleteEntityAsync(Partition, gone.Slug, ETag.All, ct);
            changed++;
        }
        foreach (var section in sections.Where(s => !stored.Contains(s)))
        {
            await Table.UpsertEntityAsync(new TableEntity(Partition, section.Slug) { [NameColumn] = section.Name }, TableUpdateMode.Replace, ct);
            changed++;
        }
        await RewriteHeadAsync(ct);
        return changed;
    }

    private async Task<List<SectionName>> QueryAsync(CancellationToken ct)
    {
        var sections = new List<SectionName>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
        {
            sections.Add(new(row.RowKey, row.GetString(NameColumn) ?? row.RowKey));
        }
        return Ordered(sections);
    }

    /// <summary>The order of the navigation: by name, then slug (two spellings of one name never tie).</summary>
    public static List<SectionName> Ordered(IEnumerable<SectionName> sections) =>
        sections.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Slug, StringComparer.Ordinal).ToList();
}
