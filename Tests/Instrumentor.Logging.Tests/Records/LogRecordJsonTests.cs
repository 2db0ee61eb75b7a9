using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Instrumentor.Logging.Tests.Records;

public sealed class LogRecordJsonTests
{
    [Test]
    public void A_line_is_the_ingest_shape_with_fields_and_a_structured_exception()
    {
        Exception thrown;
        try
        {
            throw new AggregateException(new InvalidOperationException("inner one"));
        }
        catch (Exception e)
        {
            thrown = e;
        }

        var record = new LogRecord("Error", "failed")
        {
            Timestamp = new DateTimeOffset(2026, 12, 1, 17, 52, 25, 123, TimeSpan.FromHours(2)),
            Logger = "Shop.Orders",
            TraceId = "0123456789abcdef0123456789abcdef",
            SpanId = "0123456789abcdef",
            ParentId = "fedcba9876543210",
            Exception = LogException.From(thrown),
            Fields =
            [
                new("{OriginalFormat}", "failed"),
                new("count", 3),
                new("ratio", 0.5),
                new("ok", true),
                new("level", "shadowed"),
                new("count", 4),
                new("when", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
                new("nothing", null),
            ],
        };

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            LogRecordJson.Write(writer, record);
        }

        JsonElement line = JsonDocument.Parse(stream.ToArray()).RootElement;
        line.GetProperty("timestamp").GetString().ShouldBe("2026-12-01T15:52:25.123000Z");
        line.GetProperty("level").GetString().ShouldBe("Error");
        line.GetProperty("event").GetString().ShouldBe("failed");
        line.GetProperty("logger").GetString().ShouldBe("Shop.Orders");
        line.GetProperty("trace_id").GetString().ShouldBe("0123456789abcdef0123456789abcdef");
        line.GetProperty("span_id").GetString().ShouldBe("0123456789abcdef");
        line.GetProperty("parent_id").GetString().ShouldBe("fedcba9876543210");
        line.GetProperty("message_template").GetString().ShouldBe("failed");
        line.GetProperty("count").GetInt32().ShouldBe(3);
        line.GetProperty("ratio").GetDouble().ShouldBe(0.5);
        line.GetProperty("ok").GetBoolean().ShouldBeTrue();
        line.GetProperty("field.level").GetString().ShouldBe("shadowed");
        line.GetProperty("when").GetString().ShouldBe("2026-01-02T03:04:05.0000000Z");
        line.GetProperty("nothing").ValueKind.ShouldBe(JsonValueKind.Null);
        JsonElement exception = line.GetProperty("exception");
        exception.GetProperty("type").GetString().ShouldBe("System.AggregateException");
        exception.GetProperty("stack").GetString()!.ShouldContain(nameof(A_line_is_the_ingest_shape_with_fields_and_a_structured_exception));
        exception.GetProperty("inner").GetProperty("type").GetString().ShouldBe("System.InvalidOperationException");
        exception.GetProperty("inner").GetProperty("message").GetString().ShouldBe("inner one");
        exception.GetProperty("inner").TryGetProperty("stack", out _).ShouldBeFalse();
    }

    [Test]
    public void An_exception_chain_is_cut_after_eight_levels()
    {
        Exception e = new InvalidOperationException("0");
        for (int i = 1; i < 20; i++)
        {
            e = new InvalidOperationException(i.ToString(System.Globalization.CultureInfo.InvariantCulture), e);
        }

        int depth = 0;
        for (LogException? level = LogException.From(e); level is not null; level = level.Inner)
        {
            depth++;
        }

        depth.ShouldBe(8);
    }
}
