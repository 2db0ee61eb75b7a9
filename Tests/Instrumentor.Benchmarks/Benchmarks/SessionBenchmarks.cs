using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Instrumentor.Sessions;
using Microsoft.Extensions.AI;

namespace Instrumentor.Benchmarks.Benchmarks;

/// <summary>
/// Session tracing (docs/sessions.md). <see cref="RecordEventsAndFlush"/>: 10,000 <see cref="LlmCallEvent"/>s recorded
/// and committed (the tracer's writer batches them, up to 2,000 a transaction) into a temp SQLite file in WAL mode;
/// reported per event, so 1 s / Mean = events per second. <c>Chat*</c>: one <c>GetResponseAsync</c> through a chat
/// client that answers at once (so only the middleware is measured): bare, through <c>UseInstrumentor</c> inside a
/// session (event + span), and outside any session (span only). The [Monitor] pipeline of this process writes the
/// spans to its own temp file; <see cref="RecordEventsAndFlushSameStore"/> records the same events into that file,
/// where the span writer commits them inside its own transactions.
/// </summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private const int EventsPerInvoke = 10_000;
    private static readonly List<ChatMessage> s_messages = [new(ChatRole.User, "hi")];
    private string? _directory;
    private SessionTracer? _tracer;
    private SessionTracer? _sameStoreTracer;
    private SessionScope? _session;
    private IChatClient? _bare;
    private IChatClient? _instrumented;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "instrumentor-bench-sessions-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Monitoring.Configure(o => o.DatabasePath = Path.Combine(_directory, "spans.db"));
        var options = new SessionTracerOptions { DatabasePath = Path.Combine(_directory, "traces.db") };
        options.Prices["bench-model"] = new ModelPrice(2.5m, 10m);
        _tracer = new SessionTracer(options);

        // A tracer of the pipeline's own file: its rows are committed by the span writer, in its transactions.
        RecordQueue.EnsureStarted();
        Monitoring.FlushAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        var same = new SessionTracerOptions { DatabasePath = Path.Combine(_directory, "spans.db") };
        same.Prices["bench-model"] = new ModelPrice(2.5m, 10m);
        _sameStoreTracer = new SessionTracer(same);
        _bare = new InstantChatClient();
        _instrumented = new InstantChatClient().AsBuilder().UseInstrumentor(_tracer).Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracer!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sameStoreTracer!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory!, recursive: true);
    }

    [IterationSetup(Targets = [nameof(ChatInstrumentedInSession)])]
    public void StartSession() => _session = _tracer!.StartSessionAsync().AsTask().GetAwaiter().GetResult();

    [IterationCleanup(Targets = [nameof(ChatInstrumentedInSession)])]
    public void EndSession()
    {
        _session!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _tracer!.FlushAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public Task RecordEventsAndFlush() => RecordAndFlush(_tracer!);

    /// <summary>As <see cref="RecordEventsAndFlush"/>, into the file the span pipeline writes: the span writer commits them.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public Task RecordEventsAndFlushSameStore() => RecordAndFlush(_sameStoreTracer!);

    private static async Task RecordAndFlush(SessionTracer tracer)
    {
        await using SessionScope session = await tracer.StartSessionAsync();
        for (int i = 0; i < EventsPerInvoke; i++)
        {
            await tracer.RecordEventAsync(new LlmCallEvent { ModelName = "bench-model", InputTokens = 100, OutputTokens = 20, LatencyMs = 1.5 });
        }

        await tracer.FlushAsync(TimeSpan.FromSeconds(60));
    }

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> ChatBare() => _bare!.GetResponseAsync(s_messages);

    [Benchmark]
    public Task<ChatResponse> ChatInstrumentedInSession() => _instrumented!.GetResponseAsync(s_messages);

    [Benchmark]
    public Task<ChatResponse> ChatInstrumentedNoSession() => _instrumented!.GetResponseAsync(s_messages);

    /// <summary>Answers synchronously with a fixed response and usage.</summary>
    private sealed class InstantChatClient : IChatClient
    {
        private static readonly ChatClientMetadata s_metadata = new("bench", null, "bench-model");

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                ModelId = "bench-model",
                Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20, TotalTokenCount = 120 },
            });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(ChatClientMetadata) ? s_metadata : null;

        public void Dispose()
        {
        }
    }
}
