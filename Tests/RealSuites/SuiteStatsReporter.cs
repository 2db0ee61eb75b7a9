// Compiled into the test project of a real library by RealSuite.props (never part of Instrumentor itself).
// At process exit it stops the tracing pipeline the way Instrumentor's own exit handler would (same budget), and
// writes the counters and the CPU time of each thread of the test process to $INSTRUMENTOR_SUITE_STATS, so a
// script can tell how many spans were produced, written or dropped and where the process spent its time.
#nullable enable
namespace Instrumentor.RealSuites
{
    using System;
    using System.Diagnostics;
    using System.Globalization;
    using System.IO;
    using System.Runtime.CompilerServices;
    using System.Text;

    internal static class SuiteStatsReporter
    {
        private static readonly Stopwatch s_sinceLoad = Stopwatch.StartNew();

        [ModuleInitializer]
        internal static void Install()
        {
            string? path = Environment.GetEnvironmentVariable("INSTRUMENTOR_SUITE_STATS");
            if (string.IsNullOrEmpty(path))
            {
                return;
            }

            s_sinceLoad.Restart(); // touches the static field now: it is initialised lazily otherwise
            // Registered when the test assembly loads, i.e. before the pipeline's own handler (installed at the first
            // monitored call): this one runs first and finds the pipeline still running.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Report(path);
        }

        private static void Report(string path)
        {
            // Written before the stop, in case the test runner ends the process while the pipeline shuts down; the
            // writer's and spooler's threads end with the stop too.
            var text = new StringBuilder();
            MonitoringStats before = Monitoring.Stats;
            Line(text, "pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            Line(text, "seconds_to_exit", s_sinceLoad.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
            Line(text, "enqueued", before.Enqueued);
            Line(text, "written_before_exit", before.Written);
            Line(text, "errors", before.Errors);
            Line(text, "dropped_before_exit", before.Dropped);
            Line(text, "overflowed", before.Overflowed);
            Line(text, "recovered", before.Recovered);
            Line(text, "spilled", before.Spilled);
            Line(text, "replayed", before.Replayed);
            Line(text, "queue_depth_at_exit", before.QueueDepth);
            Line(text, "rejected", before.Rejected);
            AppendThreadTimes(text);
            File.AppendAllText(path, text.ToString());

            var shutdown = Stopwatch.StartNew();
            bool nothingLost = Monitoring.Shutdown(MonitoringOptions.DefaultShutdownTimeout);
            text.Clear();
            Line(text, "shutdown_seconds", shutdown.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
            Line(text, "shutdown_nothing_lost", nothingLost ? "true" : "false");
            File.AppendAllText(path, text.ToString());
        }

        private static void Line(StringBuilder text, string name, long value) =>
            Line(text, name, value.ToString(CultureInfo.InvariantCulture));

        private static void Line(StringBuilder text, string name, string value) => text.Append(name).Append('=').Append(value).Append('\n');

        /// <summary>User + system CPU seconds of each thread, grouped by thread name (Linux /proc only).</summary>
        private static void AppendThreadTimes(StringBuilder text)
        {
            const string tasks = "/proc/self/task";
            if (!Directory.Exists(tasks))
            {
                return;
            }

            var byName = new System.Collections.Generic.SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (string task in Directory.GetDirectories(tasks))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    int close = stat.LastIndexOf(')');
                    int open = stat.IndexOf('(');
                    string name = stat.Substring(open + 1, close - open - 1);
                    string[] fields = stat.Substring(close + 2).Split(' ');
                    // After the name: state is field 3 of the whole line; utime and stime are fields 14 and 15.
                    double ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
                    byName.TryGetValue(name, out double sum);
                    byName[name] = sum + ticks / 100.0;
                }
                catch (IOException)
                {
                    // The thread ended while it was read.
                }
            }

            foreach (var pair in byName)
            {
                text.Append("cpu_seconds[").Append(pair.Key).Append("]=").Append(pair.Value.ToString("F2", CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }
}
