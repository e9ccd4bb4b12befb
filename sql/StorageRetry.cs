using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace CxActors.Database;

/// <summary>
/// The service's one retry policy for storage and grain calls: exponential back-off with jitter from
/// <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>, for failures <see cref="ShouldRetry"/> accepts, until the
/// <see cref="Budget"/> of time since the first attempt is spent or the caller cancels. Built on Polly's retry strategy.
/// </summary>
public sealed class StorageRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _clock;
    private static readonly ResiliencePropertyKey<long> Started = new("cx.retry.started");

    public StorageRetry(TimeSpan budget, TimeSpan firstDelay, TimeSpan maxDelay, Func<Exception, bool> shouldRetry,
        ILogger? logger = null, string? what = null, TimeProvider? clock = null, Action? onRetry = null)
    {
        Budget = budget;
        FirstDelay = firstDelay;
        MaxDelay = maxDelay;
        ShouldRetry = shouldRetry;
        _clock = clock ?? TimeProvider.System;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = _clock }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay,
                MaxDelay = maxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && ShouldRetry(ex)
                    && args.Context.Properties.TryGetValue(Started, out var started)
                    && _clock.GetElapsedTime(started) < Budget),
                OnRetry = args =>
                {
                    logger?.LogWarning(args.Outcome.Exception is { } failed ? RedactedException.Of(failed) : null, "{What} failed (attempt {Attempt}); retrying in {Delay}",
                        what ?? "Storage call", args.AttemptNumber + 1, args.RetryDelay);
                    onRetry?.Invoke();
                    return default;
                },
            })
            .Build();
    }

    public TimeSpan Budget { get; }
    public TimeSpan FirstDelay { get; }
    public TimeSpan MaxDelay { get; }
    public Func<Exception, bool> ShouldRetry { get; }

    public async ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Started, _clock.GetTimestamp());
        try
        {
            return await _pipeline.ExecuteAsync(static (ctx, action) => action(ctx.CancellationToken), context, action);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public async ValueTask ExecuteAsync(Func<CancellationToken, ValueTask> action, CancellationToken cancellationToken) =>
        await ExecuteAsync(async ct => { await action(ct); return true; }, cancellationToken);
}
