using System.Net.Mail;
using System.Text;
using System.Text.Json;
using System.Web;
using Microsoft.AspNetCore.WebUtilities;
using ServerlessNews.Articles;

namespace ServerlessNews.Comments;

/// <summary>The fields of the comment form, as posted (form-encoded or JSON with the same names).</summary>
public sealed record CommentForm(
    string? ArticleId, string? ParentId, string? Name, string? Email, string? Website, string? Comment, string? Homepage)
{
    public const int MaxNameLength = 245;
    public const int MaxEmailLength = 100;
    public const int MaxWebsiteLength = 200;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static CommentForm FromUrlEncoded(string body, ValidationErrors errors)
    {
        var fields = QueryHelpers.ParseQuery(body);
        // The query parser keeps or replaces percent-encoded bytes that are not UTF-8; refuse them instead of storing a mangled name.
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? (pair[..eq], pair[(eq + 1)..]) : (pair, "");
            try
            {
                StrictUtf8.GetString(HttpUtility.UrlDecodeToBytes(value));
            }
            catch (DecoderFallbackException)
            {
                var name = Uri.UnescapeDataString(key.Replace('+', ' '));
                if (invalid.Add(name))
                {
                    errors.Add(name, "is not valid UTF-8.");
                }
            }
        }
        string? Field(string name) => !invalid.Contains(name) && fields.TryGetValue(name, out var v) ? v.ToString() : null;
        return new(Field("articleId"), Field("parentId"), Field("name"), Field("email"), Field("website"), Field("comment"), Field("homepage"));
    }

    /// <summary>Null with <paramref name="errors"/> filled when the body is not a JSON object of strings.</summary>
    public static CommentForm? FromJson(ReadOnlyMemory<byte> body, ValidationErrors errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            errors.Add("$", "The body is not valid JSON: " + e.Message);
            return null;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("$", "The body must be a JSON object.");
                return null;
            }
            string? Field(string name)
            {
                if (!document.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add(name, "must be a string.");
                    return null;
                }
                try
                {
                    return value.GetString();
                }
                catch (InvalidOperationException)
                {
                    // The parser checks string contents lazily: invalid UTF-8 surfaces here.
                    errors.Add(name, "is not valid UTF-8.");
                    return null;
                }
            }
            var form = new CommentForm(Field("articleId"), Field("parentId"), Field("name"), Field("email"), Field("website"), Field("comment"), Field("homepage"));
            return errors.IsEmpty ? form : null;
        }
    }

    /// <summary>Checks every field and returns the normalized values (empty optional fields become null).</summary>
    public CommentForm Validate(ValidationErrors errors, int maxCommentLength)
    {
        var articleId = ArticleId?.Trim();
        if (string.IsNullOrEmpty(articleId))
        {
            errors.Add("articleId", "is required.");
        }
        else if (!SubmissionParser.IsValidArticleId(articleId))
        {
            errors.Add("articleId", "is not an article id.");
        }

        var parentId = string.IsNullOrWhiteSpace(ParentId) ? null : ParentId.Trim();
        if (parentId is not null && !CommentKeys.IsCommentId(parentId))
        {
            errors.Add("parentId", "is not a comment id.");
        }

        var name = Text("name", Name, MaxNameLength, required: true, multiline: false, errors);
        var email = Text("email", Email, MaxEmailLength, required: true, multiline: false, errors);
        if (email is { Length: > 0 } && !errors.Fields.Contains("email") && !IsEmail(email))
        {
            errors.Add("email", "is not a valid email address (name@example.com).");
        }

        var website = Text("website", Website, MaxWebsiteLength, required: false, multiline: false, errors);
        if (website is { Length: > 0 } && !errors.Fields.Contains("website"))
        {
            if (!Uri.TryCreate(website, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                errors.Add("website", "must be an http:// or https:// address.");
            }
            else
            {
                website = uri.AbsoluteUri;
            }
        }

        var comment = Text("comment", Comment, maxCommentLength, required: true, multiline: true, errors);
        if (comment is not null && !errors.Fields.Contains("comment") && CommentFormatter.RenderProblem(comment) is { } unrenderable)
        {
            errors.Add("comment", unrenderable);
        }
        return new(articleId, parentId, name, email, website is { Length: > 0 } ? website : null, comment, Homepage);
    }

    private static string? Text(string field, string? value, int max, bool required, bool multiline, ValidationErrors errors)
    {
        var text = value is null ? null : TextRules.Normalize(value);
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors.Add(field, "is required.");
            }
            return null;
        }
        if (text.Length > max)
        {
            errors.Add(field, $"must be at most {max} characters (it has {text.Length}).");
        }
        if (TextRules.Problem(text, multiline) is { } problem)
        {
            errors.Add(field, problem);
        }
        return multiline ? text.ReplaceLineEndings("\n") : text;
    }

    private static bool IsEmail(string email)
    {
        if (email.Any(char.IsWhiteSpace) || !MailAddress.TryCreate(email, out var address) ||
            !string.Equals(address.Address, email, StringComparison.Ordinal) || address.DisplayName.Length > 0)
        {
            return false;
        }
        var host = address.Host;
        return host.Contains('.', StringComparison.Ordinal) && !host.StartsWith('.') && !host.EndsWith('.') && !host.StartsWith('[');
    }
}
