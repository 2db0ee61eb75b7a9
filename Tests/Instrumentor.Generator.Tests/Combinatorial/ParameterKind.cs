namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>One parameter shape.</summary>
internal enum ParameterKind
{
    Int, Ref, In, RefReadonly, Out, ScopedSpan, Span, NullableString, NullableInt, Tuple, Dynamic, DynamicArgument,
    Optional, ParamsArray, ParamsSpan, ParamsList,
}
