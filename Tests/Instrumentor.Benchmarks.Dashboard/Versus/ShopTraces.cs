using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Instrumentor.Benchmarks.Dashboard.Versus;

/// <summary>
/// The traces both dashboards receive: N traces of 10 nested spans over three services (frontend → orders →
/// payments), made once with real <see cref="Activity"/> objects so the same spans, with the same ids, go to both.
/// Every 20th trace fails: the payment gateway's span carries an <c>exception</c> event (type, message, stack) and
/// the error status climbs to the request that caused it.
/// </summary>
internal sealed class ShopTraces : IDisposable
{
    public const int SpansPerTrace = 10;
    public const int ErrorEvery = 20;
    public const string SearchedRoute = "checkout";
    public static readonly string[] Services = ["frontend", "orders", "payments"];
    private static readonly string[] s_routes = ["GET /orders/{id}", "POST /checkout", "GET /catalog/items"];

    private readonly Dictionary<string, ActivitySource> _sources;
    private readonly Dictionary<string, List<Activity>> _byService;
    private readonly ActivityListener _listener;

    private ShopTraces()
    {
        _sources = Services.ToDictionary(s => s, s => new ActivitySource("Shop." + s));
        _byService = Services.ToDictionary(s => s, _ => new List<Activity>());
        _listener = new ActivityListener
        {
            ShouldListenTo = source => _sources.Values.Contains(source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _byService[activity.Source.Name["Shop.".Length..]].Add(activity),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The finished spans of each service, in the order they ended.</summary>
    public IReadOnlyDictionary<string, List<Activity>> ByService => _byService;

    public int SpanCount => _byService.Values.Sum(list => list.Count);

    /// <summary>Trace id of the newest failed trace and of the newest good one (for the detail views and screenshots).</summary>
    public string FailedTrace { get; private set; } = "";

    public string GoodTrace { get; private set; } = "";

    /// <summary>Span id of <see cref="GoodTrace"/>'s root (the request).</summary>
    public string GoodRoot { get; private set; } = "";

    /// <summary>Span id of the failing payment call in <see cref="FailedTrace"/> (the span with the exception).</summary>
    public string FailedSpan { get; private set; } = "";

    /// <summary>Makes <paramref name="traces"/> traces whose start times are spread over the last 10 minutes.</summary>
    public static ShopTraces Make(int traces, DateTime now)
    {
        var shop = new ShopTraces();
        var random = new Random(42);
        for (var t = 0; t < traces; t++)
        {
            var start = now.AddMinutes(-10) + TimeSpan.FromMinutes(10) * t / traces;
            (string id, string root, string charge) = shop.Trace(t, start, random);
            // The newest of each kind: on the first page of both lists.
            if (t % ErrorEvery == ErrorEvery - 1) (shop.FailedTrace, shop.FailedSpan) = (id, charge);
            else (shop.GoodTrace, shop.GoodRoot) = (id, root);
        }

        return shop;
    }

    private (string TraceId, string RootSpanId, string ChargeSpanId) Trace(int t, DateTime start, Random random)
    {
        bool fails = t % ErrorEvery == ErrorEvery - 1;
        string route = s_routes[t % s_routes.Length];
        string customer = $"customer-{t % 1000}";
        string order = $"order-{100_000 + t}";
        double total = 15 + random.Next(0, 40_000) / 100.0;
        var time = start;
        DateTime After(double ms) => time = time.AddMilliseconds(ms);

        Activity root = Start("frontend", route, ActivityKind.Server, default, start,
            ("http.request.method", route.Split(' ')[0]), ("url.path", route.Split(' ')[1].Replace("{id}", order, StringComparison.Ordinal)), ("user.id", customer));
        Activity call = Start("frontend", "HTTP GET orders", ActivityKind.Client, root.Context, After(0.4), ("server.address", "orders"), ("http.request.method", "GET"));
        Activity orders = Start("orders", "GET /api/orders/{id}", ActivityKind.Server, call.Context, After(0.6), ("order.id", order), ("http.request.method", "GET"));
        Activity load = Start("orders", "OrderRepository.Load", ActivityKind.Internal, orders.Context, After(0.2), ("order.id", order));
        Activity sql = Start("orders", "SELECT orders", ActivityKind.Client, load.Context, After(0.1),
            ("db.system.name", "postgresql"), ("db.query.text", "SELECT id, customer, total FROM orders WHERE id = @id"));
        End(sql, After(1 + random.NextDouble() * 4));
        End(load, After(0.2));
        Activity pricing = Start("orders", "PricingService.Compute", ActivityKind.Internal, orders.Context, After(0.1), ("currency", "EUR"), ("items", t % 7 + 1));
        Activity tax = Start("orders", "TaxService.Rate", ActivityKind.Internal, pricing.Context, After(0.1), ("country", t % 2 == 0 ? "DE" : "FR"));
        End(tax, After(0.3 + random.NextDouble()));
        pricing.SetTag("total", total);
        End(pricing, After(0.1));
        Activity pay = Start("orders", "HTTP POST payments", ActivityKind.Client, orders.Context, After(0.1), ("server.address", "payments"), ("http.request.method", "POST"));
        Activity payments = Start("payments", "POST /api/payments", ActivityKind.Server, pay.Context, After(0.5), ("payment.amount", total), ("customer", customer));
        Activity charge = Start("payments", "PaymentGateway.Charge", ActivityKind.Client, payments.Context, After(0.2), ("card.last4", $"{t % 10_000:D4}"), ("payment.amount", total));
        After(5 + random.NextDouble() * 30);
        if (fails)
        {
            charge.AddException(Declined(customer), default, new DateTimeOffset(time));
            charge.SetStatus(ActivityStatusCode.Error, "card declined");
            payments.SetTag("http.response.status_code", 402);
            payments.SetStatus(ActivityStatusCode.Error, "payment declined");
            pay.SetStatus(ActivityStatusCode.Error);
            orders.SetTag("http.response.status_code", 502);
            orders.SetStatus(ActivityStatusCode.Error, "payment failed");
            call.SetStatus(ActivityStatusCode.Error);
            root.SetTag("http.response.status_code", 502);
            root.SetStatus(ActivityStatusCode.Error, "payment failed");
        }
        else
        {
            charge.SetTag("payment.result", "approved");
            payments.SetTag("http.response.status_code", 201);
            orders.SetTag("http.response.status_code", 200);
            root.SetTag("http.response.status_code", 200);
        }

        End(charge, time);
        End(payments, After(0.3));
        End(pay, After(0.2));
        End(orders, After(0.3));
        End(call, After(0.2));
        End(root, After(0.5));
        return (root.TraceId.ToHexString(), root.SpanId.ToHexString(), charge.SpanId.ToHexString());
    }

    private Activity Start(string service, string name, ActivityKind kind, ActivityContext parent, DateTime start, params (string Key, object Value)[] tags)
    {
        Activity activity = _sources[service].StartActivity(name, kind, parent, tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)), links: null, startTime: start)
            ?? throw new InvalidOperationException("the listener did not sample the span");
        return activity;
    }

    private static void End(Activity activity, DateTime end)
    {
        activity.SetEndTime(end);
        activity.Stop();
    }

    /// <summary>A thrown and caught exception, so it has a real stack trace like an application's.</summary>
    private static Exception Declined(string customer)
    {
        try
        {
            throw new InvalidOperationException($"The card of {customer} was declined by the issuer (code 51: insufficient funds).");
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (ActivitySource source in _sources.Values) source.Dispose();
    }
}
