using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading.Tasks;
using Instrumentor;

namespace Instrumentor.IntegrationTests.Monitored;

/// <summary>Monitored methods for the OpenTelemetry bridge tests: each remembers the activity current inside it.</summary>
public sealed class BridgedService
{
    /// <summary>The <see cref="Activity.Current"/> seen by the last <see cref="Inner"/> call.</summary>
    public Activity? SeenByInner { get; private set; }

    /// <summary>The <see cref="Activity.Current"/> seen by the last <see cref="OuterAsync"/> call after its await.</summary>
    public Activity? SeenAfterAwait { get; private set; }

    /// <summary>Runs inside <see cref="Outer"/> before it calls <see cref="Inner"/>.</summary>
    public Action? BeforeInner { get; set; }

    [Monitor]
    public int Outer(int a)
    {
        BeforeInner?.Invoke();
        return Inner(a) + 1;
    }

    [Monitor]
    public int Inner(int b)
    {
        SeenByInner = Activity.Current;
        return b * 2;
    }

    [Monitor]
    public async Task<int> OuterAsync(int a)
    {
        await Task.Yield();
        SeenAfterAwait = Activity.Current;
        return Inner(a) + 1;
    }

    /// <summary>Its body starts work on the thread pool: the generator gives it the flowing wrapper.</summary>
    [Monitor]
    public int OnThreadPool(int a) => Task.Run(() => Inner(a)).GetAwaiter().GetResult();

    [Monitor]
    public bool SignIn(string user, string password) => user.Length + password.Length > 0;

    [Monitor]
    public int Fail(string reason) => throw new InvalidOperationException(reason);

    [Monitor]
    public async Task<int> FailAsync(string reason)
    {
        await Task.Yield();
        throw new InvalidOperationException(reason);
    }

    [Monitor]
    public IEnumerable<int> Doubles(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Inner(i);
        }
    }

    [Monitor]
    public async Task<string> FetchAsync(HttpClient client, Uri url) => await client.GetStringAsync(url);
}
