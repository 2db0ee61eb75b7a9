namespace Instrumentor.Generator.Tests.Combinatorial;

/// <summary>The declaring type (for an extension method: the type of its <c>this</c> parameter).</summary>
internal enum ContainerKind { Class, StaticClass, SealedClass, AbstractClass, Struct, ReadonlyStruct, RefStruct, Record, RecordStruct }
