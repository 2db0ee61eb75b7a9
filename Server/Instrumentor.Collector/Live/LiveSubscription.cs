using System;
using System.Threading.Channels;
using Instrumentor.Collector.Json;

namespace Instrumentor.Collector.Live;

/// <summary>
/// One listener of the live feed. Its buffer is bounded: a listener that cannot keep up loses its oldest spans (they
/// stay in the store), it never slows the feed or the writer.
/// </summary>
internal sealed class LiveSubscription : IDisposable
{
    private const int Capacity = 2_000;
    private readonly Action<LiveSubscription> _unsubscribe;
    private readonly Channel<SpanItem> _spans = Channel.CreateBounded<SpanItem>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    public LiveSubscription(Action<LiveSubscription> unsubscribe) => _unsubscribe = unsubscribe;

    public ChannelReader<SpanItem> Spans => _spans.Reader;

    internal void Publish(SpanItem span) => _spans.Writer.TryWrite(span);

    public void Dispose()
    {
        _spans.Writer.TryComplete();
        _unsubscribe(this);
    }
}
