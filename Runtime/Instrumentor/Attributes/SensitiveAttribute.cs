using System;

namespace Instrumentor;

/// <summary>Marks a parameter, property or type whose value is stored as <c>"***"</c>, never in clear.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
public sealed class SensitiveAttribute : Attribute
{
}
