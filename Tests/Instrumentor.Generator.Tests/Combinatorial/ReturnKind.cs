namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>What the method returns.</summary>
internal enum ReturnKind { Void, Int, Generic, NullableString, Tuple, Ref, RefReadonly, Span, Task, TaskOfInt, ValueTask, ValueTaskOfInt, Iterator, AsyncIterator }
