namespace ServerlessNews.Articles;

/// <summary>Every problem found in one input, keyed by the field's JSON path (e.g. <c>authors[1]</c>).</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public IEnumerable<string> Fields => _errors.Keys;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors[field] = messages;
        }
        messages.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public override string ToString() =>
        string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}

/// <summary>Thrown when stored input no longer validates (e.g. after a rule change); never retried.</summary>
public sealed class InvalidSubmissionException(ValidationErrors errors)
    : Exception("The submission is invalid: " + errors)
{
    public ValidationErrors Errors { get; } = errors;
}
