using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace Instrumentor.Tests.Context;

/// <summary>
/// The span clock reads the time-stamp counter where it is a usable clock and must then stay what the Stopwatch is:
/// monotonic on a thread, comparable with <see cref="Stopwatch.GetTimestamp"/>, and measuring intervals like it.
/// Where the counter is not used (another CPU or OS, INSTRUMENTOR_CLOCK=stopwatch) the clock is the Stopwatch and
/// the same tests hold trivially.
/// </summary>
[NonParallelizable]
public class SpanClockTests
{
    [OneTimeSetUp]
    public void WaitForCalibration()
    {
        SpanClock.EnsureStarted();
        var waited = Stopwatch.StartNew();
        while (!SpanClock.UsesTsc && TscReader.NotUsedBecause is null && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(5);
        }

        TestContext.Progress.WriteLine(SpanClock.UsesTsc ? "span clock: TSC" : "span clock: Stopwatch (" + TscReader.NotUsedBecause + ")");
    }

    [Test]
    public void The_clock_is_the_counter_where_the_kernel_lists_tsc_as_a_clock_source_on_x64_linux()
    {
        const string sources = "/sys/devices/system/clocksource/clocksource0/available_clocksource";
        bool usable = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
            && OperatingSystem.IsLinux() && System.IO.File.Exists(sources)
            && System.IO.File.ReadAllText(sources).Split(' ', '\n').Contains("tsc")
            && Environment.GetEnvironmentVariable("INSTRUMENTOR_CLOCK") is null;

        SpanClock.UsesTsc.ShouldBe(usable, TscReader.NotUsedBecause);
    }

    [Test]
    public void Readings_never_go_back_on_a_thread_even_across_new_calibrations()
    {
        long previous = SpanClock.Now();
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < 50_000; i++)
            {
                long now = SpanClock.Now();
                now.ShouldBeGreaterThanOrEqualTo(previous);
                previous = now;
            }

            SpanClock.Calibrate();
        }
    }

    [Test]
    public void Readings_are_Stopwatch_timestamps_within_a_millisecond()
    {
        for (int i = 0; i < 100; i++)
        {
            long before = Stopwatch.GetTimestamp();
            long now = SpanClock.Now();
            long after = Stopwatch.GetTimestamp();
            long slack = Stopwatch.Frequency / 1000;
            now.ShouldBeInRange(before - slack, after + slack);
        }
    }

    [Test]
    public void An_interval_measures_what_the_Stopwatch_measures_to_within_a_percent()
    {
        (long start, long stopwatchStart) = TightPair();
        while (Stopwatch.GetElapsedTime(stopwatchStart) < TimeSpan.FromMilliseconds(100))
        {
            // Busy: the interval is measured by both clocks around the same work.
        }

        (long end, long stopwatchEnd) = TightPair();
        double measured = end - start;
        double reference = stopwatchEnd - stopwatchStart;
        measured.ShouldBeInRange(reference * 0.99, reference * 1.01);
    }

    /// <summary>A reading of each clock at nearly the same instant (retried while the thread was preempted in between).</summary>
    private static (long Clock, long Stopwatch) TightPair()
    {
        while (true)
        {
            long before = Stopwatch.GetTimestamp();
            long clock = SpanClock.Now();
            long after = Stopwatch.GetTimestamp();
            if (after - before < Stopwatch.Frequency / 10_000)
            {
                return (clock, before + ((after - before) / 2));
            }
        }
    }
}
