using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ServerlessNews.Articles;

/// <summary>YAML front matter of a Markdown inbox file, mapped onto the same JSON shape as a webhook body.</summary>
public static class FrontMatter
{
    public static bool TrySplit(string text, out string yaml, out string body)
    {
        yaml = body = "";
        var normalized = text.ReplaceLineEndings("\n");
        if (!normalized.StartsWith("---\n", StringComparison.Ordinal))
        {
            return false;
        }
        var end = normalized.IndexOf("\n---", 3, StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }
        var afterFence = normalized.IndexOf('\n', end + 4);
        yaml = normalized[4..end];
        body = afterFence < 0 ? "" : normalized[(afterFence + 1)..];
        return true;
    }

    /// <exception cref="FormatException">The YAML is malformed or not a mapping.</exception>
    public static JsonObject ToJson(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            RefuseAliases(yaml);
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"The front matter is not valid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count == 0)
        {
            return [];
        }
        return Convert(stream.Documents[0].RootNode, depth: 0) as JsonObject
            ?? throw new FormatException("The front matter must be a mapping of field names to values.");
    }

    /// <summary>
    /// YamlStream resolves an alias to the node it names, so converting the tree copies that node once per alias:
    /// nine aliases to a list of nine aliases, seven levels down, are 4.8 million values from 400 bytes ("billion
    /// laughs"). Front matter has no use for them; they are refused from the parser's events, before any tree is built.
    /// </summary>
    private static void RefuseAliases(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        while (parser.MoveNext())
        {
            if (parser.Current is YamlDotNet.Core.Events.AnchorAlias alias)
            {
                throw new FormatException($"The front matter uses a YAML alias (*{alias.Value}); aliases are not allowed: write the value out.");
            }
        }
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > SubmissionParser.MaxDepth)
        {
            throw new FormatException("The front matter is nested too deeply.");
        }
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = (key as YamlScalarNode)?.Value
                        ?? throw new FormatException("Front matter keys must be plain names.");
                    obj[name] = Convert(value, depth + 1);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, depth + 1));
                }
                return array;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style != ScalarStyle.Plain)
                {
                    return JsonValue.Create(text);
                }
                // Plain scalars: numbers and null keep their YAML meaning, everything else is text.
                if (text is "" or "~" or "null")
                {
                    return null;
                }
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return JsonValue.Create(number);
                }
                return JsonValue.Create(text);
            default:
                throw new FormatException("The front matter uses an unsupported YAML construct (aliases are not allowed).");
        }
    }
}
