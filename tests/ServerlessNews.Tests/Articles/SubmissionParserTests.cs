using System.Text;
using System.Text.Json.Nodes;
using ServerlessNews.Articles;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Articles;

public sealed class SubmissionParserTests
{
    private static ParseResult Parse(JsonNode node) => SubmissionParser.ParseJson(Encoding.UTF8.GetBytes(node.ToJsonString()));

    [Fact]
    public void A_complete_submission_is_read_with_every_field()
    {
        var result = Parse(TestArticles.Valid().With("updatedAt", "2026-11-27T10:05:00+01:00")
            .With("corrections", new JsonArray(new JsonObject { ["at"] = "2026-11-27T10:05:00Z", ["text"] = "An earlier version misstated the date." })));

        Assert.True(result.IsValid, result.Errors.ToString());
        var a = result.Submission!;
        Assert.Equal("harbour-bridge-reopens", a.Id);
        Assert.Equal(1, a.Revision);
        Assert.Equal(["Ana Ruiz", "Tom Becker"], a.Authors);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 5, 0, TimeSpan.Zero), a.UpdatedAt);
        Assert.Equal(BodyFormat.Markdown, a.Body.Format);
        Assert.Single(a.Corrections);
        Assert.Equal("https://images.example.test/bridge.jpg", a.Image!.Url);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var bad = TestArticles.Valid()
            .With("id", "Not An Id!")
            .With("headline", "")
            .With("authors", new JsonArray("Ana", 7))
            .With("publishedAt", "yesterday")
            .With("status", "draft")
            .With("tags", "Transport")
            .With("image", new JsonObject { ["url"] = "javascript:alert(1)", ["alt"] = "x" })
            .With("body", new JsonObject { ["format"] = "docx", ["content"] = "x" });

        var result = Parse(bad);

        Assert.False(result.IsValid);
        Assert.Equal(
            new[] { "authors[1]", "body.format", "headline", "id", "image.url", "publishedAt", "status", "tags" },
            result.Errors.Fields.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        var result = Parse(new JsonObject { ["id"] = "x", ["revision"] = 1 });
        Assert.Equal(
            new[] { "authors", "body", "headline", "publishedAt", "section" },
            result.Errors.Fields.Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("revision", "\"3\"")]
    [InlineData("revision", "1.5")]
    [InlineData("revision", "0")]
    [InlineData("headline", "42")]
    [InlineData("authors", "{}")]
    [InlineData("body", "\"text\"")]
    [InlineData("corrections", "[1]")]
    public void Wrong_types_are_named_with_the_field(string field, string json)
    {
        var result = Parse(TestArticles.Valid().With(field, JsonNode.Parse(json)));
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors.Fields, f => f.StartsWith(field, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"id\": \"a\",}")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void Malformed_json_is_a_clear_error(string body)
    {
        var result = SubmissionParser.ParseJson(Encoding.UTF8.GetBytes(body));
        Assert.False(result.IsValid);
        Assert.Equal(["body"], result.Errors.Fields);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var result = SubmissionParser.ParseJson([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}']);
        Assert.Contains("UTF-8", result.Errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_json_is_refused()
    {
        var json = "{\"id\":" + new string('[', 200) + new string(']', 200) + "}";
        Assert.False(SubmissionParser.ParseJson(Encoding.UTF8.GetBytes(json)).IsValid);
    }

    [Theory]
    [InlineData("Bridge \u202Eopens")]
    [InlineData("Bridge\u0007opens")]
    [InlineData("Line one\nline two")]
    public void Control_and_bidi_override_characters_are_refused_in_headlines(string headline)
    {
        var result = Parse(TestArticles.Valid().With("headline", headline));
        Assert.Equal(["headline"], result.Errors.Fields);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("-leading")]
    [InlineData("UPPER")]
    [InlineData("zero\u200Bwidth")]
    public void Ids_that_could_escape_a_path_are_refused(string id)
    {
        Assert.Equal(["id"], Parse(TestArticles.Valid().With("id", id)).Errors.Fields);
    }

    [Fact]
    public void Without_a_revision_updatedAt_orders_edits()
    {
        var first = Parse(TestArticles.Valid().Without("revision")).Submission!;
        var edit = Parse(TestArticles.Valid().Without("revision").With("updatedAt", "2026-11-27T09:00:00Z")).Submission!;
        Assert.True(edit.Revision > first.Revision);
    }

    [Fact]
    public void An_embargo_needs_its_time()
    {
        var result = Parse(TestArticles.Valid().With("status", "embargoed"));
        Assert.Equal(["embargoedUntil"], result.Errors.Fields);
    }

    [Fact]
    public void A_kill_needs_only_the_id_and_revision()
    {
        var result = Parse(new JsonObject { ["id"] = "harbour-bridge-reopens", ["revision"] = 4, ["status"] = "killed" });
        Assert.True(result.IsValid, result.Errors.ToString());
        Assert.Equal(ArticleStatus.Killed, result.Submission!.Status);
    }

    [Fact]
    public void Markdown_files_carry_the_fields_in_front_matter()
    {
        const string file = """
            ---
            id: quay-wall-collapses
            revision: 2
            section: Local
            headline: "Quay wall collapses: no one hurt"
            authors: [Rui Costa]
            tags:
              - Porto
            publishedAt: 2026-11-26T18:00:00Z
            ---
            The quay wall gave way at **dusk**.
            """;
        var result = SubmissionParser.ParseFile("quay.md", Encoding.UTF8.GetBytes(file));
        Assert.True(result.IsValid, result.Errors.ToString());
        var a = result.Submission!;
        Assert.Equal(2, a.Revision);
        Assert.Equal("Quay wall collapses: no one hurt", a.Headline);
        Assert.Equal(BodyFormat.Markdown, a.Body.Format);
        Assert.Contains("**dusk**", a.Body.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no front matter at all")]
    [InlineData("---\nid: [unclosed\n---\nbody")]
    [InlineData("---\n- a list\n---\nbody")]
    public void Bad_front_matter_is_a_clear_error(string file)
    {
        var result = SubmissionParser.ParseFile("x.md", Encoding.UTF8.GetBytes(file));
        Assert.Equal(["frontMatter"], result.Errors.Fields);
    }

    [Theory]
    [InlineData("World", "world")]
    [InlineData("Middle East & Africa", "middle-east-africa")]
    [InlineData("Málaga  Fútbol", "malaga-futbol")]
    [InlineData("Tag", "section-tag")]
    public void Sections_get_readable_stable_slugs(string section, string slug)
    {
        Assert.Equal(slug, Slug.ForSection(section));
    }
}
