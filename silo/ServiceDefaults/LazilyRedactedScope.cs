namespace CxActors.ServiceDefaults;

/// <summary>
/// A log scope redacted when it is read, not when it is opened. Every request opens scopes (the host's, the request
/// id's, with trace ids once telemetry is on) and most requests write no log line at all, so redacting eagerly spent
/// regular-expression work on every request for text nobody read.
/// </summary>
internal static class LazilyRedactedScope
{
    public static object Of(object state) => state switch
    {
        IReadOnlyList<KeyValuePair<string, object?>> values => new Values(values),
        _ => new Text(state),
    };

    /// <summary>A structured scope: its values and its text, each redacted once, at its first reading.</summary>
    private sealed class Values(IReadOnlyList<KeyValuePair<string, object?>> state) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private IReadOnlyList<KeyValuePair<string, object?>>? _values;
        private string? _text;

        // A race computes the same answer twice: harmless, and cheaper than a lock on every read.
        private IReadOnlyList<KeyValuePair<string, object?>> Redacted => _values ??= RedactingLogger.RedactValues(state) ?? state;

        public KeyValuePair<string, object?> this[int index] => Redacted[index];

        public int Count => state.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Redacted.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => _text ??= PersonalDataRedactor.Redact(state.ToString() ?? "");
    }

    /// <summary>Any other scope, which formatters read only as text.</summary>
    private sealed class Text(object state)
    {
        private string? _text;

        public override string ToString() => _text ??= PersonalDataRedactor.Redact(state.ToString() ?? "");
    }
}
