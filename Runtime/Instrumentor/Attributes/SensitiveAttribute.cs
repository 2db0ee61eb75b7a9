using System;

namespace Instrumentor;

/// <summary>Marks a parameter, property, result (<c>[return: Sensitive]</c>) or type whose value is stored as <c>"***"</c>, never in clear.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
public sealed class SensitiveAttribute : Attribute
{
}
