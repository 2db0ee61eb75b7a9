namespace Instrumentor;

/// <summary>Where a reader of <see cref="OutboxSpool"/> stopped: the segment, the next span's number and its offset.</summary>
internal readonly record struct ReadPosition(long SegmentFirst, long Number, long Offset);
