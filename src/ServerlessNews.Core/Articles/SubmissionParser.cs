using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessNews.Images;

namespace ServerlessNews.Articles;

public sealed record ParseResult(ArticleSubmission? Submission, ValidationErrors Errors)
{
    public bool IsValid => Submission is not null && Errors.IsEmpty;
}

/// <summary>
/// Turns a webhook body or an inbox file into a validated <see cref="ArticleSubmission"/>, collecting
/// every bad field rather than stopping at the first, so a CMS developer can fix them all at once.
/// </summary>
public static partial class SubmissionParser
{
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ArticleIdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601Pattern();

    public static bool IsValidArticleId(string? id) => id is not null && ArticleIdPattern().IsMatch(id);

    /// <summary>Parses a file by its name: <c>.md</c>/<c>.markdown</c> as front matter + body, anything else as JSON.</summary>
    public static ParseResult ParseFile(string fileName, ReadOnlySpan<byte> content) =>
        IsMarkdownFile(fileName) ? ParseMarkdown(content) : ParseJson(content);

    public static bool IsMarkdownFile(string fileName) =>
        fileName.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ||
        fileName.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);

    public static ParseResult ParseJson(ReadOnlySpan<byte> utf8)
    {
        var errors = new ValidationErrors();
        if (!IsValidUtf8(utf8))
        {
            errors.Add("body", "The request body is not valid UTF-8.");
            return new(null, errors);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), DocumentOptions);
        }
        catch (JsonException e)
        {
            errors.Add("body", $"The request body is not valid JSON: {Describe(e)}");
            return new(null, errors);
        }
        using (document)
        {
            return Read(document.RootElement, errors);
        }
    }

    public static ParseResult ParseMarkdown(ReadOnlySpan<byte> utf8)
    {
        var errors = new ValidationErrors();
        if (!IsValidUtf8(utf8))
        {
            errors.Add("body", "The file is not valid UTF-8.");
            return new(null, errors);
        }
        var text = Encoding.UTF8.GetString(utf8).TrimStart('\uFEFF');
        if (!FrontMatter.TrySplit(text, out var yaml, out var body))
        {
            errors.Add("frontMatter", "A Markdown file must start with YAML front matter between '---' lines.");
            return new(null, errors);
        }
        JsonObject fields;
        try
        {
            fields = FrontMatter.ToJson(yaml);
        }
        catch (FormatException e)
        {
            errors.Add("frontMatter", e.Message);
            return new(null, errors);
        }
        if (!fields.ContainsKey("body"))
        {
            var format = fields["format"]?.GetValue<string>() ?? "markdown";
            fields.Remove("format");
            fields["body"] = new JsonObject { ["format"] = format, ["content"] = body };
        }
        using var document = JsonDocument.Parse(fields.ToJsonString());
        return Read(document.RootElement, errors);
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private static string Describe(JsonException e) =>
        e.LineNumber is { } line ? $"{FirstSentence(e.Message)} (line {line + 1}, byte {e.BytePositionInLine + 1})." : FirstSentence(e.Message);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }

    private static ParseResult Read(JsonElement root, ValidationErrors errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object.");
            return new(null, errors);
        }
        var r = new FieldReader(root, errors);

        var id = r.String("id", required: true, maxLength: 100);
        if (id is not null && !ArticleIdPattern().IsMatch(id))
        {
            errors.Add("id", "Use 1 to 100 lowercase letters, digits and inner hyphens ([a-z0-9-]).");
        }

        var status = ArticleStatus.Published;
        var statusText = r.String("status", required: false, maxLength: 20);
        if (statusText is not null)
        {
            switch (statusText.ToLowerInvariant())
            {
                case "published": status = ArticleStatus.Published; break;
                case "killed" or "unpublished": status = ArticleStatus.Killed; break;
                case "embargoed": status = ArticleStatus.Embargoed; break;
                default: errors.Add("status", "Use one of: published, killed, embargoed."); break;
            }
        }

        var revision = r.Integer("revision", min: 1);
        var publishedAt = r.Date("publishedAt", required: status != ArticleStatus.Killed);
        var updatedAt = r.Date("updatedAt", required: false);
        var embargoedUntil = r.Date("embargoedUntil", required: status == ArticleStatus.Embargoed);
        if (revision is null && updatedAt is null && publishedAt is null && !errors.Fields.Contains("revision"))
        {
            errors.Add("revision", "Send a revision number, or updatedAt, so that edits can be ordered.");
        }
        if (updatedAt is not null && publishedAt is not null && updatedAt < publishedAt)
        {
            errors.Add("updatedAt", "updatedAt must not be before publishedAt.");
        }

        // A kill needs only the id and its revision; everything else describes a page that will not exist.
        var needsContent = status != ArticleStatus.Killed;
        var section = r.String("section", required: needsContent, maxLength: 60);
        var headline = r.String("headline", required: needsContent, maxLength: 300);
        var kicker = r.String("kicker", required: false, maxLength: 60);
        var dateline = r.String("dateline", required: false, maxLength: 60);
        var summary = r.String("summary", required: false, maxLength: 500);
        var authors = r.StringList("authors", required: needsContent, maxItems: 20, maxLength: 100);
        var tags = r.StringList("tags", required: false, maxItems: 30, maxLength: 60);
        var image = ReadImage(r, errors);
        var corrections = ReadCorrections(r, errors);
        var body = ReadBody(r, errors, needsContent);

        if (!errors.IsEmpty || id is null)
        {
            return new(null, errors);
        }

        return new(new ArticleSubmission
        {
            Id = id,
            Revision = revision ?? (updatedAt ?? publishedAt)!.Value.ToUnixTimeMilliseconds(),
            Status = status,
            EmbargoedUntil = embargoedUntil,
            Section = section ?? "",
            Kicker = kicker,
            Headline = headline ?? "",
            Authors = authors ?? [],
            Dateline = dateline,
            Summary = summary,
            Tags = (tags ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            Image = image,
            PublishedAt = publishedAt ?? DateTimeOffset.UnixEpoch,
            UpdatedAt = updatedAt,
            Corrections = corrections,
            Body = body ?? new ArticleBody(BodyFormat.Text, ""),
        }, errors);
    }

    private static ArticleImage? ReadImage(FieldReader r, ValidationErrors errors)
    {
        if (r.Object("image") is not { } image)
        {
            return null;
        }
        var ir = new FieldReader(image, errors, "image.");
        var url = ir.String("url", required: true, maxLength: 2000);
        var alt = ir.String("alt", required: true, maxLength: 300);
        var caption = ir.String("caption", required: false, maxLength: 1000);
        var credit = ir.String("credit", required: false, maxLength: 200);
        if (url is not null && !IsHttpUrl(url) && !ImageReference.TryParseUploaded(url, out _))
        {
            errors.Add("image.url", $"Must be an absolute http or https URL, or an image uploaded to the images container written as {ImageReference.Form}.");
            url = null;
        }
        return url is null || alt is null ? null : new ArticleImage(url, alt, caption, credit);
    }

    private static List<Correction> ReadCorrections(FieldReader r, ValidationErrors errors)
    {
        var list = new List<Correction>();
        var items = r.Array("corrections", maxItems: 50);
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"corrections[{i}].";
            if (items[i].ValueKind != JsonValueKind.Object)
            {
                errors.Add($"corrections[{i}]", "Must be an object with 'at' and 'text'.");
                continue;
            }
            var cr = new FieldReader(items[i], errors, prefix);
            var at = cr.Date("at", required: true);
            var text = cr.String("text", required: true, maxLength: 2000);
            if (at is not null && text is not null)
            {
                list.Add(new Correction(at.Value, text));
            }
        }
        return list;
    }

    private static ArticleBody? ReadBody(FieldReader r, ValidationErrors errors, bool required)
    {
        var body = r.Object("body");
        if (body is null)
        {
            if (required && !errors.Fields.Contains("body"))
            {
                errors.Add("body", "Required: an object with 'format' (markdown, html or text) and 'content'.");
            }
            return null;
        }
        var br = new FieldReader(body.Value, errors, "body.");
        var formatText = br.String("format", required: true, maxLength: 20);
        var content = br.String("content", required: required, maxLength: 500_000, multiline: true, trim: false);
        BodyFormat? format = formatText?.ToLowerInvariant() switch
        {
            null => null,
            "markdown" or "md" => BodyFormat.Markdown,
            "html" => BodyFormat.Html,
            "text" or "plain" => BodyFormat.Text,
            _ => null,
        };
        if (formatText is not null && format is null)
        {
            errors.Add("body.format", "Use one of: markdown, html, text.");
        }
        return format is null ? null : new ArticleBody(format.Value, content ?? "");
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) &&
        !string.IsNullOrEmpty(uri.Host);

    /// <summary>Reads typed fields of one JSON object, recording a message for each bad one.</summary>
    private readonly struct FieldReader(JsonElement obj, ValidationErrors errors, string prefix = "")
    {
        private bool TryGet(string name, out JsonElement value) =>
            obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        public string? String(string name, bool required, int maxLength, bool multiline = false, bool trim = true)
        {
            var field = prefix + name;
            if (!TryGet(name, out var value))
            {
                if (required)
                {
                    errors.Add(field, "Required.");
                }
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                errors.Add(field, $"Must be a string, not {Kind(value)}.");
                return null;
            }
            return CheckText(field, value.GetString()!, required, maxLength, multiline, trim);
        }

        private string? CheckText(string field, string raw, bool required, int maxLength, bool multiline, bool trim)
        {
            var text = trim ? TextRules.Normalize(raw) : raw.Normalize(NormalizationForm.FormC);
            if (text.Length == 0 || (trim is false && string.IsNullOrWhiteSpace(text)))
            {
                if (required)
                {
                    errors.Add(field, "Must not be empty.");
                }
                return null;
            }
            if (text.Length > maxLength)
            {
                errors.Add(field, $"Must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters (got {text.Length.ToString(CultureInfo.InvariantCulture)}).");
                return null;
            }
            if (!multiline && text.Contains('\n', StringComparison.Ordinal))
            {
                errors.Add(field, "Must be a single line.");
                return null;
            }
            if (TextRules.Problem(text, multiline) is { } problem)
            {
                errors.Add(field, "Must not contain " + problem["must not contain ".Length..]);
                return null;
            }
            return text;
        }

        public long? Integer(string name, long min)
        {
            var field = prefix + name;
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            {
                errors.Add(field, $"Must be a whole number, not {Kind(value)}.");
                return null;
            }
            if (number < min)
            {
                errors.Add(field, $"Must be at least {min.ToString(CultureInfo.InvariantCulture)}.");
                return null;
            }
            return number;
        }

        public DateTimeOffset? Date(string name, bool required)
        {
            var text = String(name, required, maxLength: 40);
            if (text is null)
            {
                return null;
            }
            if (!Iso8601Pattern().IsMatch(text) ||
                !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors.Add(prefix + name, "Must be an ISO 8601 date and time with a time zone, e.g. 2026-11-27T08:30:00Z.");
                return null;
            }
            return date.ToUniversalTime();
        }

        public JsonElement? Object(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Object)
            {
                errors.Add(prefix + name, $"Must be an object, not {Kind(value)}.");
                return null;
            }
            return value;
        }

        public List<JsonElement> Array(string name, int maxItems)
        {
            if (!TryGet(name, out var value))
            {
                return [];
            }
            if (value.ValueKind != JsonValueKind.Array)
            {
                errors.Add(prefix + name, $"Must be an array, not {Kind(value)}.");
                return [];
            }
            var count = value.GetArrayLength();
            if (count > maxItems)
            {
                errors.Add(prefix + name, $"Must have at most {maxItems.ToString(CultureInfo.InvariantCulture)} items (got {count.ToString(CultureInfo.InvariantCulture)}).");
                return [];
            }
            return [.. value.EnumerateArray()];
        }

        public List<string>? StringList(string name, bool required, int maxItems, int maxLength)
        {
            var field = prefix + name;
            if (!TryGet(name, out _))
            {
                if (required)
                {
                    errors.Add(field, "Required: at least one.");
                }
                return null;
            }
            var items = Array(name, maxItems);
            var list = new List<string>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var itemField = $"{field}[{i.ToString(CultureInfo.InvariantCulture)}]";
                if (items[i].ValueKind != JsonValueKind.String)
                {
                    errors.Add(itemField, $"Must be a string, not {Kind(items[i])}.");
                    continue;
                }
                if (CheckText(itemField, items[i].GetString()!, required: true, maxLength, multiline: false, trim: true) is { } text)
                {
                    list.Add(text);
                }
            }
            if (required && list.Count == 0 && !errors.Fields.Any(f => f.StartsWith(field, StringComparison.Ordinal)))
            {
                errors.Add(field, "Required: at least one.");
            }
            return list;
        }

        private static string Kind(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };
    }
}
