using Microsoft.Extensions.Logging;

namespace CxActors.ServiceDefaults;

/// <summary>
/// The host's <see cref="ILoggerFactory"/>, decorated: every logger it creates, for every category (Orleans', ASP.NET
/// Core's, ours), hands its providers a message, state values, scopes and exception text with
/// <see cref="PersonalDataRedactor"/> applied. Decorating the factory rather than each provider keeps the framework's
/// per-provider filter rules (they match providers by type) and covers providers added later, whatever the order of
/// registration. The inner factory is owned by the container, which disposes it.
/// </summary>
public sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
