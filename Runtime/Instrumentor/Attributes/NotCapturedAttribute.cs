using System;

namespace Instrumentor;

/// <summary>Marks a parameter that is not recorded at all (no row, no placeholder), or a property left out of object summaries.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class NotCapturedAttribute : Attribute
{
}
