using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessNews.Articles;
using ServerlessNews.Tests.Infrastructure;

namespace ServerlessNews.Tests.Images;

/// <summary>The submission's image: url (external or uploaded), alt, caption and credit, in JSON and in YAML front matter.</summary>
public sealed class ImageFieldTests
{
    private static ParseResult Parse(JsonNode node) => SubmissionParser.ParseJson(Encoding.UTF8.GetBytes(node.ToJsonString()));

    private static JsonObject Image(JsonNode? url, JsonNode? alt, JsonNode? caption = null, JsonNode? credit = null)
    {
        var image = new JsonObject { ["url"] = url, ["alt"] = alt };
        if (caption is not null)
        {
            image["caption"] = caption;
        }
        if (credit is not null)
        {
            image["credit"] = credit;
        }
        return image;
    }

    [Fact]
    public void Caption_and_credit_are_read_and_an_upload_is_named_as_images_slash_name()
    {
        var result = Parse(TestArticles.Valid().With("image", Image("images/2026/11/harbour.jpg", "The bridge", "Traffic crossed again.", "Photo: Ana Ruiz")));

        Assert.True(result.IsValid, result.Errors.ToString());
        Assert.Equal(new ArticleImage("images/2026/11/harbour.jpg", "The bridge", "Traffic crossed again.", "Photo: Ana Ruiz"), result.Submission!.Image);
    }

    [Fact]
    public void A_submission_with_only_url_and_alt_stays_valid_and_documents_stored_before_captions_still_read()
    {
        var result = Parse(TestArticles.Valid());
        Assert.True(result.IsValid, result.Errors.ToString());
        Assert.Null(result.Submission!.Image!.Caption);

        var stored = """{"article":{"id":"old","revision":1,"image":{"url":"https://images.example.test/a.jpg","alt":"A"}},"path":"/world/2026/11/27/old/"}""";
        var document = JsonSerializer.Deserialize(stored, ArticlesJsonContext.Default.ArticleDocument)!;
        Assert.Equal(new ArticleImage("https://images.example.test/a.jpg", "A"), document.Article.Image);
    }

    [Fact]
    public void Every_bad_image_field_is_named()
    {
        var result = Parse(TestArticles.Valid().With("image", Image("harbour.jpg", "", 42, new string('x', 201))));

        Assert.False(result.IsValid);
        var errors = result.Errors.ToDictionary();
        Assert.Equal(["image.alt", "image.caption", "image.credit", "image.url"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("images/NAME.jpg", errors["image.url"][0], StringComparison.Ordinal);
        Assert.Contains("a number", errors["image.caption"][0], StringComparison.Ordinal);
        Assert.Contains("at most 200", errors["image.credit"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("images/../secrets.jpg")]
    [InlineData("images/_/harbour-0123456789ab-640.jpg")]
    [InlineData("images/harbour.gif")]
    [InlineData("images/.hidden.jpg")]
    [InlineData("images/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("//evil.example/x.jpg")]
    public void Urls_that_are_neither_http_nor_a_valid_upload_name_are_refused(string url)
    {
        var result = Parse(TestArticles.Valid().With("image", Image(url, "x")));
        Assert.Contains("image.url", result.Errors.Fields);
    }

    [Fact]
    public void Front_matter_carries_the_same_image_fields_and_their_errors()
    {
        const string good = """
            ---
            id: quay-wall
            revision: 1
            section: Local
            headline: Quay wall collapses
            authors: [Rui Costa]
            publishedAt: 2026-11-26T18:00:00Z
            image:
              url: images/quay.jpg
              alt: The broken quay at dusk
              caption: "The wall gave way at 6 p.m."
              credit: "Photo: Rui Costa"
            ---
            Body.
            """;
        var parsed = SubmissionParser.ParseMarkdown(Encoding.UTF8.GetBytes(good));
        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.Equal(new ArticleImage("images/quay.jpg", "The broken quay at dusk", "The wall gave way at 6 p.m.", "Photo: Rui Costa"), parsed.Submission!.Image);

        var bad = SubmissionParser.ParseMarkdown(Encoding.UTF8.GetBytes(good.Replace("caption: \"The wall gave way at 6 p.m.\"", "caption: [not, text]", StringComparison.Ordinal)));
        Assert.Equal(["image.caption"], bad.Errors.Fields);
    }
}
