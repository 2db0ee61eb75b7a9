using System;

namespace Instrumentor;

/// <summary>Marks a parameter that is not recorded at all (no row, no placeholder).</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NotCapturedAttribute : Attribute
{
}
