using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Instrumentor.IntegrationTests.Infrastructure;
using Instrumentor.IntegrationTests.Monitored;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Instrumentor.IntegrationTests.Activities;

/// <summary>
/// The OpenTelemetry bridge with the real SDK: an in-memory exporter on a pipeline that listens to
/// ActivitySource "Instrumentor"; the activities it exports are compared with the spans the store holds.
/// </summary>
[NonParallelizable]
public class ActivityBridgeTests
{
    private const string Namespace = "Instrumentor.IntegrationTests.Monitored.BridgedService";

    private TempDirectory _temp = null!;
    private string _path = "";
    private List<Activity> _exported = null!;
    private TracerProvider? _provider;

    [SetUp]
    public void SetUp()
    {
        Activity.Current = null;
        _temp = new TempDirectory("otel-bridge");
        _path = _temp.Combine("traces.db");
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        Monitoring.Configure(o => o.DatabasePath = _path);
        _exported = new List<Activity>();
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource("Instrumentor", OuterSource.Name)
            .AddInMemoryExporter(_exported)
            .Build();
    }

    [TearDown]
    public void TearDown()
    {
        _provider?.Dispose();
        Monitoring.Shutdown(TimeSpan.FromSeconds(5));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static readonly ActivitySource OuterSource = new("Instrumentor.IntegrationTests.Outer");

    [Test]
    public async Task A_sync_call_and_its_child_are_activities_with_the_stored_ids_and_the_code_tags()
    {
        var service = new BridgedService();

        service.Outer(3).ShouldBe(7);

        Activity.Current.ShouldBeNull("the caller's current activity is restored");
        List<StoredSpan> spans = await StoredAsync(2);
        Activity outer = Exported("Outer");
        Activity inner = Exported("Inner");
        ShouldMatch(outer, Stored(spans, "Outer"));
        ShouldMatch(inner, Stored(spans, "Inner"));
        outer.ParentSpanId.ShouldBe(default);
        inner.ParentSpanId.ShouldBe(outer.SpanId);
        inner.TraceId.ShouldBe(outer.TraceId);
        service.SeenByInner.ShouldBeSameAs(inner, "the call's activity is current while it runs");
        outer.GetTagItem("code.namespace").ShouldBe(Namespace);
        outer.GetTagItem("code.function").ShouldBe("Outer");
        outer.GetTagItem("instrumentor.arg.a").ShouldBe("3");
        inner.GetTagItem("instrumentor.arg.b").ShouldBe("3");
        outer.Status.ShouldBe(ActivityStatusCode.Unset);
        outer.Source.Name.ShouldBe("Instrumentor");
    }

    [Test]
    public async Task An_async_call_nests_its_child_across_await_with_the_stored_ids()
    {
        var service = new BridgedService();

        (await service.OuterAsync(5)).ShouldBe(11);

        List<StoredSpan> spans = await StoredAsync(2);
        Activity outer = Exported("OuterAsync");
        Activity inner = Exported("Inner");
        ShouldMatch(outer, Stored(spans, "OuterAsync"));
        ShouldMatch(inner, Stored(spans, "Inner"));
        inner.ParentSpanId.ShouldBe(outer.SpanId);
        service.SeenAfterAwait.ShouldBeSameAs(outer);
        outer.GetTagItem("instrumentor.arg.a").ShouldBe("5");
    }

    [Test]
    public async Task Work_a_sync_call_starts_on_the_thread_pool_nests_under_its_activity()
    {
        var service = new BridgedService();

        service.OnThreadPool(4).ShouldBe(8);

        Activity.Current.ShouldBeNull();
        List<StoredSpan> spans = await StoredAsync(2);
        Activity outer = Exported("OnThreadPool");
        Activity inner = Exported("Inner");
        ShouldMatch(outer, Stored(spans, "OnThreadPool"));
        ShouldMatch(inner, Stored(spans, "Inner"));
        inner.ParentSpanId.ShouldBe(outer.SpanId);
        service.SeenByInner.ShouldBeSameAs(inner);
    }

    [Test]
    public async Task An_activity_current_at_the_call_is_its_parent()
    {
        var service = new BridgedService();
        Activity request = OuterSource.StartActivity("request")!;

        service.Outer(1);

        Activity.Current.ShouldBeSameAs(request);
        request.Stop();
        List<StoredSpan> spans = await StoredAsync(2);
        Activity outer = Exported("Outer");
        ShouldMatch(outer, Stored(spans, "Outer"));
        outer.ParentSpanId.ShouldBe(request.SpanId);
        outer.TraceId.ShouldBe(request.TraceId);
        outer.Parent.ShouldBeSameAs(request);
    }

    [Test]
    public async Task A_masked_argument_stays_masked_on_the_activity()
    {
        new BridgedService().SignIn("ann", "hunter2").ShouldBeTrue();

        List<StoredSpan> spans = await StoredAsync(1);
        Activity signIn = Exported("SignIn");
        ShouldMatch(signIn, Stored(spans, "SignIn"));
        signIn.GetTagItem("instrumentor.arg.user").ShouldBe("ann");
        signIn.GetTagItem("instrumentor.arg.password").ShouldBe("***");
        Stored(spans, "SignIn").Inputs["password"].ShouldBe("***");
    }

    [Test]
    public async Task A_failing_call_has_the_error_status_and_an_exception_event()
    {
        var service = new BridgedService();

        Should.Throw<InvalidOperationException>(() => service.Fail("out of stock")).Message.ShouldBe("out of stock");
        (await Should.ThrowAsync<InvalidOperationException>(() => service.FailAsync("no route"))).Message.ShouldBe("no route");

        Activity.Current.ShouldBeNull();
        List<StoredSpan> spans = await StoredAsync(2);
        foreach ((string method, string message) in new[] { ("Fail", "out of stock"), ("FailAsync", "no route") })
        {
            Activity failed = Exported(method);
            ShouldMatch(failed, Stored(spans, method));
            Stored(spans, method).Status.ShouldBe("ERR");
            failed.Status.ShouldBe(ActivityStatusCode.Error);
            failed.StatusDescription!.ShouldContain(message);
            ActivityEvent exception = failed.Events.ShouldHaveSingleItem();
            exception.Name.ShouldBe("exception");
            Tags(exception)["exception.type"].ShouldBe(typeof(InvalidOperationException).FullName);
            Tags(exception)["exception.message"].ShouldBe(message);
            failed.GetTagItem("instrumentor.arg.reason").ShouldBe(message);
        }
    }

    [Test]
    public async Task An_enumeration_is_an_activity_that_parents_the_calls_of_its_body()
    {
        var service = new BridgedService();

        service.Doubles(3).ToList().ShouldBe(new[] { 0, 2, 4 });

        Activity.Current.ShouldBeNull();
        List<StoredSpan> spans = await StoredAsync(4);
        Activity doubles = Exported("Doubles");
        ShouldMatch(doubles, Stored(spans, "Doubles"));
        List<Activity> inners = _exported.Where(a => a.DisplayName.EndsWith(".Inner", StringComparison.Ordinal)).ToList();
        inners.Count.ShouldBe(3);
        inners.ShouldAllBe(a => a.ParentSpanId == doubles.SpanId);
        foreach (Activity inner in inners)
        {
            ShouldMatch(inner, spans.Single(s => s.SpanId == inner.SpanId.ToHexString()));
        }
    }

    [Test]
    public async Task A_listener_added_inside_a_call_makes_its_children_name_the_untraced_parent_by_its_stored_id()
    {
        _provider!.Dispose();
        _provider = null;
        // Outer starts with no listener, so has no activity; Inner starts with one and names Outer's span as parent.
        var service = new BridgedService
        {
            BeforeInner = () => _provider = Sdk.CreateTracerProviderBuilder().AddSource("Instrumentor").AddInMemoryExporter(_exported).Build(),
        };

        service.Outer(2);

        List<StoredSpan> spans = await StoredAsync(2, exportedExpected: 1);
        Activity inner = Exported("Inner");
        ShouldMatch(inner, Stored(spans, "Inner"));
        inner.ParentSpanId.ToHexString().ShouldBe(Stored(spans, "Outer").SpanId);
        Activity.Current.ShouldBeNull();
    }

    [Test]
    public async Task Without_a_listener_no_activity_is_created()
    {
        _provider!.Dispose();
        _provider = null;
        var service = new BridgedService();
        var madeCurrent = new List<string>();
        void Changed(object? sender, ActivityChangedEventArgs e) => madeCurrent.Add(e.Current?.DisplayName ?? "null");
        Activity.CurrentChanged += Changed;
        try
        {
            service.Outer(1);
            await service.OuterAsync(1);
            service.Doubles(2).ToList();
            Should.Throw<InvalidOperationException>(() => service.Fail("x"));
        }
        finally
        {
            Activity.CurrentChanged -= Changed;
        }

        madeCurrent.ShouldBeEmpty();
        service.SeenByInner.ShouldBeNull();
        service.SeenAfterAwait.ShouldBeNull();
        await StoredAsync(8, exportedExpected: 0);
    }

    private async Task<List<StoredSpan>> StoredAsync(int expected, int? exportedExpected = null)
    {
        (await Monitoring.FlushAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        List<StoredSpan> spans = StoredSpans.Read(_path);
        spans.Count.ShouldBe(expected);
        _provider?.ForceFlush();
        _exported.Count(a => a.Source.Name == "Instrumentor").ShouldBe(exportedExpected ?? expected);
        return spans;
    }

    private Activity Exported(string method) =>
        _exported.Single(a => a.DisplayName == "Instrumentor.IntegrationTests.Monitored.BridgedService." + method);

    private static StoredSpan Stored(List<StoredSpan> spans, string method) =>
        spans.Single(s => s.Process == "Instrumentor.IntegrationTests.Monitored.BridgedService." + method);

    private static void ShouldMatch(Activity activity, StoredSpan stored)
    {
        activity.SpanId.ToHexString().ShouldBe(stored.SpanId);
        activity.TraceId.ToHexString().ShouldBe(stored.TraceId);
        (activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString()).ShouldBe(stored.ParentSpanId);
        activity.IsStopped.ShouldBeTrue();
    }

    private static Dictionary<string, object?> Tags(ActivityEvent activityEvent) =>
        activityEvent.Tags.ToDictionary(tag => tag.Key, tag => tag.Value);
}
