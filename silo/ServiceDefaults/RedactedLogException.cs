namespace CxActors.ServiceDefaults;

/// <summary>
/// What a logger provider sees of an exception whose text carries personal data: the same type name, message, stack
/// and inner exceptions as <see cref="Exception.ToString"/> prints them, redacted. Formatters print ToString().
/// </summary>
internal sealed class RedactedLogException : Exception
{
    private readonly string _text;
    private readonly string? _stackTrace;

    private RedactedLogException(string message, string text, string? stackTrace) : base(message)
    {
        _text = text;
        _stackTrace = stackTrace;
    }

    public override string? StackTrace => _stackTrace;

    public override string ToString() => _text;

    /// <summary><paramref name="exception"/> itself when nothing in its text needs redacting.</summary>
    public static Exception Of(Exception exception)
    {
        var text = exception.ToString();
        var clean = PersonalDataRedactor.Redact(text);
        if (ReferenceEquals(text, clean))
            return exception;
        return new RedactedLogException(
            PersonalDataRedactor.Redact(exception.GetType().FullName + ": " + exception.Message),
            clean,
            exception.StackTrace is { } stack ? PersonalDataRedactor.Redact(stack) : null);
    }
}
