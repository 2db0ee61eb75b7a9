using System;
using System.Security.Cryptography;

namespace Instrumentor.Dashboard.Tests.Infrastructure;

/// <summary>W3C-shaped lowercase hex ids.</summary>
internal static class Ids
{
    public static string Trace() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Span() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
