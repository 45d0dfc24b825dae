using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ServerlessNews.DevServer;

/// <summary>
/// Lowers this process to below-normal scheduling priority, for batch work (a rebuild runs for minutes): whatever
/// shares the machine and serves requests (the host taking publishes and comments, the storage emulator, a
/// database) keeps the CPU it asks for, and the batch work takes the rest. Where Linux groups processes by session
/// for CPU (autogroup: <c>/proc/self/autogroup</c> exists), that holds within the session the command runs in;
/// against a process of another session (a DevServer started in another terminal) the two sessions share the
/// cores equally, whatever the nice values.
/// </summary>
public static partial class BatchPriority
{
    /// <summary>Linux's nice value for <see cref="ProcessPriorityClass.BelowNormal"/>.</summary>
    public const int BelowNormalNice = 10;

    /// <summary>Lowers every thread to at least <see cref="BelowNormalNice"/>; one already lower (started under nice) stays so.</summary>
    public static void Lower()
    {
        if (!OperatingSystem.IsLinux())
        {
            using var self = Process.GetCurrentProcess();
            self.PriorityClass = ProcessPriorityClass.BelowNormal;
            return;
        }
        // On Linux a nice value belongs to a thread, and Process.PriorityClass sets only the main thread's. A new
        // thread starts with its creator's, so once every running thread is lowered, every later one is too;
        // a thread started during the first sweep is caught by the next.
        var lowered = new HashSet<int>();
        while (true)
        {
            var threads = Directory.EnumerateDirectories("/proc/self/task")
                .Select(path => int.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture))
                .Where(lowered.Add)
                .ToList();
            if (threads.Count == 0)
            {
                return;
            }
            foreach (var thread in threads)
            {
                // A thread that ended meanwhile fails with ESRCH: nothing to lower.
                _ = SetPriority(PrioProcess, thread, Math.Max(GetPriority(PrioProcess, thread), BelowNormalNice));
            }
        }
    }

    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    /// <returns>The nice value (-20 to 19); -1 also for a thread that ended, which no longer matters.</returns>
    [LibraryImport("libc", EntryPoint = "getpriority")]
    private static partial int GetPriority(int which, int who);
}
