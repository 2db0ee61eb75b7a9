using System;
using Instrumentor.Runtime;

namespace Instrumentor.Tests;

/// <summary>Produces spans the way generated wrappers do, for runtime tests.</summary>
internal static class SpanFactory
{
    public static readonly MonitorSite Add = new("Tests.Calc.Add", "math", new[] { "a", "b" }, 1.0, 1000);
    public static readonly MonitorSite Fail = new("Tests.Calc.Fail", null, new[] { "reason" }, 1.0, 1000);
    public static readonly MonitorSite Unsampled = new("Tests.Calc.Rare", null, new[] { "a" }, 0.0, 1000);
    public static readonly MonitorSite UnsampledChild = new("Tests.Calc.RareChild", null, Array.Empty<string>(), 0.0, 1000);

    /// <summary>A successful call to Add(a, b) = a + b.</summary>
    public static int CallAdd(int a, int b, Func<int>? inner = null)
    {
        SyncSpan.Start(Add, out var span);
        if (span.IsSampled)
        {
            span.SetArgument(0, CapturedValue.FromInt64(a));
            span.SetArgument(1, CapturedValue.FromInt64(b));
        }

        int result;
        try
        {
            result = a + b + (inner?.Invoke() ?? 0);
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }
        finally
        {
            span.Exit();
        }

        if (span.IsSampled)
        {
            span.SetResult(CapturedValue.FromInt64(result));
        }

        span.Complete();
        return result;
    }

    /// <summary>A call to <paramref name="site"/> running <paramref name="body"/>; its exceptions reach the caller.</summary>
    public static void Call(MonitorSite site, Action body)
    {
        SyncSpan.Start(site, out var span);
        try
        {
            body();
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }
        finally
        {
            span.Exit();
        }

        span.Complete();
    }

    /// <summary>
    /// A call to <paramref name="site"/> running <paramref name="body"/> through the wrapper the generator emits for a
    /// body that starts work elsewhere (<see cref="SyncSpan.StartFlowing"/>).
    /// </summary>
    public static void CallFlowing(MonitorSite site, Action body)
    {
        SyncSpan.StartFlowing(site, out var span);
        try
        {
            body();
        }
        catch (Exception ex) when (span.Fail(ex))
        {
            throw;
        }
        finally
        {
            span.Exit();
        }

        span.Complete();
    }

    /// <summary>A call to <paramref name="site"/> that throws InvalidOperationException(reason); the exception is swallowed here.</summary>
    public static void CallFail(string reason, MonitorSite? site = null)
    {
        SyncSpan.Start(site ?? Fail, out var span);
        if (span.IsSampled)
        {
            span.SetArgument(0, CapturedValue.FromString(reason));
        }

        try
        {
            try
            {
                throw new InvalidOperationException(reason);
            }
            catch (Exception ex) when (span.Fail(ex))
            {
                throw;
            }
            finally
            {
                span.Exit();
            }
        }
        catch (InvalidOperationException)
        {
            // The caller of the traced method handles it.
        }
    }
}
