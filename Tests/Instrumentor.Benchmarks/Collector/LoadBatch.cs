using System;
using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Instrumentor.Benchmarks.Collector;

/// <summary>
/// Writes <c>/v1/uploads</c> bodies the way an application's exporter sends them: traces of 5 spans (a root and 4
/// children) over <see cref="Processes"/> processes, 2 arguments + the result per span, 3% of the children failing.
/// Trace ids lead with the time in milliseconds like the runtime's, span ids are unique per generator key, so
/// every span of a run is distinct (a duplicate in the store can only come from the collector).
/// </summary>
internal sealed class LoadBatch
{
    public const int SpansPerTrace = 5;
    public const int Processes = 20;

    private static readonly string[] s_processes = CreateProcesses();
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly ulong _seed;
    private ulong _key;

    /// <param name="seed">Distinct per client and run: it keeps the ids of two clients apart.</param>
    public LoadBatch(ulong seed)
    {
        _seed = seed;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>The process name of index <paramref name="index"/> (0 to <see cref="Processes"/> - 1).</summary>
    public static string Process(int index) => s_processes[index];

    /// <summary>
    /// A body of <paramref name="spans"/> spans (rounded up to whole traces) starting at <paramref name="start"/>,
    /// each trace <paramref name="step"/> later than the previous one; returns the bytes and the span count.
    /// </summary>
    public (ReadOnlyMemory<byte> Body, int Spans) Write(int spans, DateTime start, TimeSpan step, string batchId)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("batch_id"u8, batchId);
        _json.WriteStartObject("system_info"u8);
        _json.WriteString("system_name"u8, "collector-load");
        _json.WriteString("system_id"u8, "collector-load");
        _json.WriteString("system_instance_id"u8, _seed.ToString("x16", CultureInfo.InvariantCulture));
        _json.WriteEndObject();
        _json.WriteStartArray("events"u8);
        int traces = (spans + SpansPerTrace - 1) / SpansPerTrace;
        Span<char> hex = stackalloc char[32];
        for (int t = 0; t < traces; t++)
        {
            DateTime at = start + step * t;
            ulong traceKey = ++_key;
            ulong high = ((ulong)(at - DateTime.UnixEpoch).TotalMilliseconds << 16) | (Mix(_seed ^ traceKey) & 0xFFFF);
            ulong low = Mix(_seed + traceKey * 0x9E3779B97F4A7C15);
            Hex(high, hex);
            Hex(low, hex[16..]);
            string traceId = new(hex);
            ulong root = SpanId(traceKey, 0);
            int rootProcess = (int)(traceKey % 4) * 5;
            for (int c = 0; c < SpansPerTrace; c++)
            {
                bool fails = c > 0 && (traceKey * SpansPerTrace + (ulong)c) % 33 == 0;
                WriteSpan(traceId, SpanId(traceKey, c), c == 0 ? 0 : root, s_processes[rootProcess + c], at.AddMilliseconds(c),
                    c == 0 ? 10 + (double)(traceKey % 7) : 1 + c * 0.5, fails, traceKey, hex);
            }
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
        return (_buffer.WrittenMemory, traces * SpansPerTrace);
    }

    private void WriteSpan(string traceId, ulong spanId, ulong parent, string process, DateTime start, double durationMs, bool fails, ulong key, Span<char> hex)
    {
        _json.WriteStartObject();
        _json.WriteString("trace_id"u8, traceId);
        Hex(spanId, hex);
        _json.WriteString("span_id"u8, hex[..16]);
        if (parent != 0)
        {
            Hex(parent, hex);
            _json.WriteString("parent_span_id"u8, hex[..16]);
        }

        _json.WriteString("process"u8, process);
        _json.WriteString("process_group"u8, "shop");
        _json.WriteString("start"u8, start.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        _json.WriteNumber("duration_ms"u8, durationMs);
        _json.WriteString("status"u8, fails ? "ERR" : "OK");
        if (fails)
        {
            _json.WriteString("exception"u8, "System.TimeoutException: the downstream call timed out\n   at Shop.Client.Send()");
        }

        _json.WriteNumber("thread_id"u8, 7);
        _json.WriteStartArray("data"u8);
        WriteValue("customer"u8, "INPUT"u8, "customer-" + (key % 100_000).ToString(CultureInfo.InvariantCulture));
        WriteValue("quantity"u8, "INPUT"u8, (key % 13).ToString(CultureInfo.InvariantCulture));
        WriteValue("result"u8, "OUTPUT"u8, (key % 997).ToString(CultureInfo.InvariantCulture) + ".00");
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    private void WriteValue(ReadOnlySpan<byte> name, ReadOnlySpan<byte> type, string value)
    {
        _json.WriteStartObject();
        _json.WriteString("name"u8, name);
        _json.WriteString("type"u8, type);
        _json.WriteString("value"u8, value);
        _json.WriteEndObject();
    }

    private ulong SpanId(ulong traceKey, int child)
    {
        ulong id = Mix(_seed ^ (traceKey * SpansPerTrace + (ulong)child + 0x632BE59BD9B4E019));
        return id != 0 ? id : 1;
    }

    private static void Hex(ulong value, Span<char> target) =>
        value.TryFormat(target, out _, "x16", CultureInfo.InvariantCulture);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    private static string[] CreateProcesses()
    {
        var names = new string[Processes];
        for (int i = 0; i < Processes; i++)
        {
            names[i] = $"Shop.Service{i / 4}.Operation{i % 4}";
        }

        return names;
    }
}
