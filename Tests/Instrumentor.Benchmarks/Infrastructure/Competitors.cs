using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Instrumentor.Benchmarks.Infrastructure;

/// <summary>
/// A collection for OpenTelemetry's in-memory exporter that counts what it is given and keeps nothing, so memory
/// stays flat during a benchmark and the exporter thread never races with a list being cleared.
/// </summary>
internal sealed class CountingActivityCollection : ICollection<Activity>
{
    private long _count;

    public long Exported => Volatile.Read(ref _count);

    public int Count => (int)Math.Min(int.MaxValue, Exported);

    public bool IsReadOnly => false;

    public void Add(Activity item) => Interlocked.Increment(ref _count);

    public void Clear() => Volatile.Write(ref _count, 0);

    public bool Contains(Activity item) => false;

    public void CopyTo(Activity[] array, int arrayIndex)
    {
    }

    public bool Remove(Activity item) => false;

    public IEnumerator<Activity> GetEnumerator()
    {
        yield break;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A real logging provider that does the work a text sink does (formats every message with its arguments) and
/// then only counts the characters, so nothing is printed during the benchmark.
/// </summary>
internal sealed class FormattingCountingLoggerProvider : ILoggerProvider
{
    private readonly FormattingCountingLogger _logger = new();

    public long Messages => _logger.Messages;

    public ILogger CreateLogger(string categoryName) => _logger;

    public void Dispose()
    {
    }

    private sealed class FormattingCountingLogger : ILogger
    {
        private long _messages;
        private long _characters;

        public long Messages => Volatile.Read(ref _messages);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string text = formatter(state, exception);
            _characters += text.Length;
            _messages++;
        }
    }
}

/// <summary>The [LoggerMessage] source-generated log method of the ILogger anchor.</summary>
internal static partial class BenchmarkLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Add({A}, {B}) = {Result} in {ElapsedTicks} ticks")]
    internal static partial void AddCalled(ILogger logger, int a, int b, int result, long elapsedTicks);
}

/// <summary>What a hand-written tracer would queue: timestamps, arguments and result in one struct.</summary>
internal readonly record struct ManualRecord(long Start, long End, int A, int B, int Result);

/// <summary>A hand-written tracer: a ConcurrentQueue drained by a background thread (as a real exporter would).</summary>
internal sealed class ManualTracer : IDisposable
{
    private readonly ConcurrentQueue<ManualRecord> _queue = new();
    private readonly Thread _drainer;
    private volatile bool _stop;
    private long _drained;

    internal ManualTracer()
    {
        _drainer = new Thread(Drain) { IsBackground = true, Name = "manual tracer drain" };
        _drainer.Start();
    }

    internal ConcurrentQueue<ManualRecord> Queue => _queue;

    internal long Drained => Volatile.Read(ref _drained);

    public void Dispose()
    {
        _stop = true;
        _drainer.Join();
    }

    private void Drain()
    {
        while (!_stop)
        {
            long n = 0;
            while (_queue.TryDequeue(out _))
            {
                n++;
            }

            if (n == 0)
            {
                Thread.Sleep(1);
            }
            else
            {
                Interlocked.Add(ref _drained, n);
            }
        }
    }
}
