using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CxActors.ServiceDefaults;

/// <summary>A logger that passes on only redacted text (see <see cref="RedactingLoggerFactory"/>).</summary>
internal sealed class RedactingLogger(ILogger inner) : ILogger
{
    private const string OriginalFormat = "{OriginalFormat}";

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
        inner.BeginScope(LazilyRedactedScope.Of(state));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
            return;
        var message = formatter(state, exception);
        var redactedMessage = PersonalDataRedactor.Redact(message);
        var values = RedactValues(state as IReadOnlyList<KeyValuePair<string, object?>>);
        var redactedException = exception is null ? null : RedactedLogException.Of(exception);
        if (ReferenceEquals(message, redactedMessage) && values is null && ReferenceEquals(exception, redactedException))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }
        var redactedState = new RedactedLogState(redactedMessage,
            values ?? (state as IReadOnlyList<KeyValuePair<string, object?>>) ?? [new(OriginalFormat, redactedMessage)]);
        inner.Log(logLevel, eventId, redactedState, redactedException, static (s, _) => s.Message);
    }

    /// <summary>The state's values with personal data redacted, or null when none has any (the state then goes as is).</summary>
    internal static List<KeyValuePair<string, object?>>? RedactValues(IReadOnlyList<KeyValuePair<string, object?>>? values)
    {
        if (values is null)
            return null;
        List<KeyValuePair<string, object?>>? redacted = null;
        for (var i = 0; i < values.Count; i++)
        {
            var (key, value) = values[i];
            var text = value switch
            {
                null or bool or int or long or short or byte or double or float or decimal or DateTime or DateTimeOffset or TimeSpan or Guid => null,
                string s => s,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            var clean = text is null ? null : PersonalDataRedactor.Redact(text);
            if (redacted is null && (clean is null || ReferenceEquals(clean, text)))
                continue;
            redacted ??= [.. values.Take(i)];
            redacted.Add(clean is null || ReferenceEquals(clean, text) ? values[i] : new(key, clean));
        }
        return redacted;
    }
}
