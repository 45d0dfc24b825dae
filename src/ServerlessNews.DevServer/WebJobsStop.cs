namespace ServerlessNews.DevServer;

/// <summary>
/// With two blob triggers (inbox, images), the WebJobs SDK's stop trips over itself: it stops every function's
/// listener at once, and the blob listeners share one queue listener whose "stop if started" check and stop are
/// not atomic (SharedBlobQueueListener.EnsureAllStoppedAsync), so the second stop finds its timer stopped by the
/// first and throws. Every listener has stopped by then (the SDK waits for all before it throws); this keeps that
/// one error from failing the host's shutdown.
/// </summary>
internal static partial class WebJobsStop
{
    public static IServiceCollection TolerateSharedBlobListenerStop(this IServiceCollection services)
    {
        var jobHost = services.LastOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "JobHostService");
        if (jobHost?.ImplementationType is not { } type)
        {
            return services;
        }
        // In its place: hosted services start in order and stop in reverse.
        services[services.IndexOf(jobHost)] = ServiceDescriptor.Describe(typeof(IHostedService),
            provider => new Tolerant((IHostedService)ActivatorUtilities.CreateInstance(provider, type), provider.GetRequiredService<ILogger<Tolerant>>()),
            jobHost.Lifetime);
        return services;
    }

    internal sealed partial class Tolerant(IHostedService inner, ILogger<Tolerant> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => inner.StartAsync(cancellationToken);

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.StopAsync(cancellationToken);
            }
            catch (InvalidOperationException e) when (e.Message == "The timer has already been stopped.")
            {
                LogStoppedTwice(e);
            }
        }

        [LoggerMessage(Level = LogLevel.Debug, Message = "The WebJobs blob listeners' shared queue listener was stopped twice")]
        private partial void LogStoppedTwice(Exception exception);
    }
}
