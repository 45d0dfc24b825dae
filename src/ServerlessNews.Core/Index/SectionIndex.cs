using Azure.Data.Tables;

namespace ServerlessNews.Index;

/// <summary>
/// The site's sections, for the navigation on every page: a row per section in the <c>sections</c> partition of
/// the listings table (the record), and their list in one head (<see cref="ListingHeads.SectionsKey"/>), which
/// pages read with a point read.
/// </summary>
public sealed class SectionIndex(TableServiceClient tables, ListingHeads heads) : ListingsTableRows(tables)
{
    public const string Partition = "sections";

    /// <summary>Records a published article's section, and adds it to the sections head when it is not there yet.</summary>
    public async Task AddAsync(string sectionName, CancellationToken ct)
    {
        var section = ListingRef.Section(sectionName);
        await Table.UpsertEntityAsync(new TableEntity(Partition, section.Slug) { ["Name"] = sectionName }, TableUpdateMode.Replace, ct);
    }

    /// <summary>Adds a section to the sections head when it is not there yet (once per new section).</summary>
    public async Task RefreshHeadAsync(string sectionName, CancellationToken ct)
    {
        var section = ListingRef.Section(sectionName);
        while (true)
        {
            var head = await heads.ReadAsync(ListingHeads.SectionsKey, ct);
            if (head is not null && ListingHeads.Sections(head).Contains(new SectionName(section.Slug, section.Name)))
            {
                return;
            }
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

    private async Task<List<SectionName>> QueryAsync(CancellationToken ct)
    {
        var sections = new List<SectionName>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
        {
            sections.Add(new(row.RowKey, row.GetString("Name") ?? row.RowKey));
        }
        return sections.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
