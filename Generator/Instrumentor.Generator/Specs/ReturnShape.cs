namespace Instrumentor.Generator.Specs;

/// <summary>What a monitored method returns, which decides when its span ends.</summary>
internal enum ReturnShape
{
    /// <summary>Nothing: the span ends when the call returns.</summary>
    Void,
    /// <summary>A value: the span ends when the call returns.</summary>
    Value,
    /// <summary>A Task: the span ends when the task completes.</summary>
    Task,
    /// <summary>A Task&lt;T&gt;: the span ends when the task completes; its result is captured.</summary>
    TaskOfT,
    /// <summary>A ValueTask: the span ends when it completes.</summary>
    ValueTask,
    /// <summary>A ValueTask&lt;T&gt;: the span ends when it completes; its result is captured.</summary>
    ValueTaskOfT,
    /// <summary>An iterator returning IEnumerable&lt;T&gt;: the span covers the enumeration.</summary>
    Enumerable,
    /// <summary>An async iterator returning IAsyncEnumerable&lt;T&gt;: the span covers the enumeration.</summary>
    AsyncEnumerable,
}
