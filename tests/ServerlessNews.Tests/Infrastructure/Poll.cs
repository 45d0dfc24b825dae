namespace ServerlessNews.Tests.Infrastructure;

public static class Poll
{
    /// <summary>Asks until the answer is there or the deadline passes; no fixed sleeps.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>As <see cref="UntilAsync"/>, for probes that answer with a value type (null: not yet).</summary>
    public static async Task<T> UntilFoundAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : struct =>
        (T)await UntilAsync<object>(async () => await probe() is { } value ? value : null, timeout, what);
}
