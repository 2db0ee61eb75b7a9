namespace Instrumentor.Generator.Specs;

/// <summary>Everything the emitter needs to wrap calls to one monitored method. Plain data: no symbols.</summary>
/// <param name="Key">A stable identity of the method (its documentation comment id).</param>
/// <param name="ContainingType">The fully qualified containing type.</param>
/// <param name="Name">The method name.</param>
/// <param name="Kind">Static, instance, or extension.</param>
/// <param name="ReturnType">The fully qualified return type, or <c>void</c>.</param>
/// <param name="Shape">When the span ends.</param>
/// <param name="ResultType">For Task&lt;T&gt; / ValueTask&lt;T&gt;: T; else the return type.</param>
/// <param name="ResultCapture">How the result is captured.</param>
/// <param name="Parameters">The parameters, in declaration order (the <c>this</c> of an extension first).</param>
/// <param name="Settings">The monitor settings.</param>
/// <param name="Generics">Type parameters and constraints of the wrapper (containing type's, then method's).</param>
/// <param name="ReceiverPrefix">"ref " when the receiver is a struct (so mutations stick), else "".</param>
/// <param name="ReturnPrefix">"ref " or "ref readonly " for a ref return, else "".</param>
/// <param name="Accessor">How the wrapper reaches a target it cannot see (private, protected).</param>
/// <param name="Source">Where the method is declared and its signature, for the site descriptor.</param>
internal sealed record TargetMethodSpec(
    string Key,
    string ContainingType,
    string Name,
    TargetKind Kind,
    string ReturnType,
    ReturnShape Shape,
    string ResultType,
    CaptureSpec ResultCapture,
    EquatableArray<ParameterSpec> Parameters,
    MonitorSettings Settings,
    GenericsSpec Generics,
    string ReceiverPrefix,
    string ReturnPrefix,
    AccessorKind Accessor,
    SourceSpec Source)
{
    /// <summary>Whether the wrapper mentions something <c>[Obsolete]</c>, so it is marked obsolete itself.</summary>
    public bool UsesObsolete { get; init; }

    /// <summary>For <see cref="AccessorKind.StaticMethodOfStaticClass"/>: the runtime name of the class (<c>Ns.Outer+Inner, Assembly</c>).</summary>
    public string AccessorTypeName { get; init; } = "";

    /// <summary>
    /// For a synchronous method: its body may start work elsewhere (a task, a thread, a timer, an await), so its
    /// span is published in the ExecutionContext for that work to nest under (<c>Parser/SpawnDetector.cs</c>).
    /// </summary>
    public bool FlowsContext { get; init; }

    /// <summary>
    /// For a task-returning method: its body awaits nothing, starts nothing and gets its task from no call that could
    /// run code later (<c>Parser/TaskSourceDetector.cs</c>), so the stack span (<c>SyncSpan</c>) tracks the task and
    /// nothing is published in the ExecutionContext.
    /// </summary>
    public bool TaskOnStack { get; init; }

    /// <summary>
    /// A struct receiver of a generic type: the wrapper's receiver parameter is declared without nullable annotations.
    /// Inside the type, <c>this</c> has the type's definition as its type, whose type arguments carry no annotation;
    /// the compiler compares the receiver with the interceptor's parameter including annotations and, when they
    /// differ, passes a converted copy of <c>this</c>, so the callee's field changes were lost. Oblivious type
    /// arguments take whatever annotation the call site has, so no copy is made anywhere.
    /// </summary>
    public bool ObliviousReceiver { get; init; }

    /// <summary>Whether the result is a ref struct (or a type parameter that allows one): it may point into a ref argument.</summary>
    public bool ReturnsRefLike { get; init; }
}

/// <summary>How the wrapper calls its target.</summary>
internal enum AccessorKind
{
    /// <summary>Directly: the target is visible from generated code.</summary>
    None,
    /// <summary>Through an <c>[UnsafeAccessor(Method)]</c> extern (private/protected instance method).</summary>
    Method,
    /// <summary>Through an <c>[UnsafeAccessor(StaticMethod)]</c> extern (private/protected static method).</summary>
    StaticMethod,
    /// <summary>
    /// Like <see cref="StaticMethod"/> for a method of a static class, which no parameter can have as its type (CS0721):
    /// the receiver is an <c>object</c> naming the class through <c>[UnsafeAccessorType]</c>.
    /// </summary>
    StaticMethodOfStaticClass,
}

/// <summary>How a monitored method is called.</summary>
internal enum TargetKind
{
    /// <summary>A static method: <c>Type.M(args)</c>.</summary>
    Static,
    /// <summary>An instance method of a class or interface: <c>receiver.M(args)</c>.</summary>
    Instance,
    /// <summary>An extension method: the wrapper is itself an extension method.</summary>
    Extension,
}
