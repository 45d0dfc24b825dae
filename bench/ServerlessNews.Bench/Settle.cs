using System.Diagnostics;
using System.Runtime;

namespace ServerlessNews.Bench;

/// <summary>Waits out the work a warm-up leaves behind in this process before anything is timed.</summary>
public static class Settle
{
    /// <summary>
    /// Until the tiered JIT has stopped recompiling the warmed-up methods and this process is idle. On two
    /// cores its background compilation of a warm-up's hot methods takes seconds, and timed runs that overlap
    /// it measure the JIT, not the code.
    /// </summary>
    public static async Task UntilQuietAsync(TimeSpan? limit = null)
    {
        var deadline = Stopwatch.StartNew();
        using var self = Process.GetCurrentProcess();
        while (deadline.Elapsed < (limit ?? TimeSpan.FromSeconds(30)))
        {
            var jit = JitInfo.GetCompilationTime();
            var cpu = await CpuDuringAsync(TimeSpan.FromMilliseconds(500), self);
            if ((JitInfo.GetCompilationTime() - jit).TotalMilliseconds < 5 && cpu[0].TotalMilliseconds < 50)
            {
                Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  (JIT and process quiet after {deadline.Elapsed.TotalSeconds:0.0} s)"));
                return;
            }
        }
    }

    /// <summary>The CPU time each process spent during <paramref name="window"/>.</summary>
    public static async Task<TimeSpan[]> CpuDuringAsync(TimeSpan window, params Process[] processes)
    {
        var before = processes.Select(p =>
        {
            p.Refresh();
            return p.TotalProcessorTime;
        }).ToArray();
        await Task.Delay(window);
        return processes.Select((p, i) =>
        {
            p.Refresh();
            return p.TotalProcessorTime - before[i];
        }).ToArray();
    }
}
