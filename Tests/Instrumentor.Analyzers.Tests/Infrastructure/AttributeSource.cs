namespace Instrumentor.Analyzers.Tests.Infrastructure;

/// <summary>
/// The public Instrumentor attributes as source text, added to every test compilation so that analyzer tests are
/// self-contained: they never reference the runtime project, only its contract (DESIGN §2).
/// </summary>
internal static class AttributeSource
{
    /// <summary>The file name the attributes are added under.</summary>
    public const string FileName = "InstrumentorAttributes.cs";

    /// <summary>Declarations mirroring <c>Runtime/Instrumentor/Attributes</c>.</summary>
    public const string Text = """
        namespace Instrumentor
        {
            using System;

            [AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
            public sealed class MonitorAttribute : Attribute
            {
                public const int DefaultMaxLength = 1000;
                public string? ProcessGroup { get; set; }
                public double SampleRate { get; set; } = 1.0;
                public bool CaptureArgs { get; set; } = true;
                public bool CaptureResult { get; set; } = true;
                public int MaxLength { get; set; } = DefaultMaxLength;
                public string? Name { get; set; }
                public ValueSerializer Serializer { get; set; }
                public Type? JsonContext { get; set; }
                public string[]? SensitiveNames { get; set; }
            }

            public enum ValueSerializer { Smart = 0, Repr = 1, Json = 2, TypeName = 3 }

            [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
            public sealed class MonitorAllAttribute : Attribute
            {
                public string? Include { get; set; }
                public string? Exclude { get; set; }
                public string? ProcessGroup { get; set; }
                public ValueSerializer Serializer { get; set; }
                public Type? JsonContext { get; set; }
                public string[]? SensitiveNames { get; set; }
            }

            [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
            public sealed class SensitiveAttribute : Attribute
            {
            }

            [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
            public sealed class NotCapturedAttribute : Attribute
            {
            }

            [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
            public sealed class TraceTimeAttribute : Attribute
            {
                public const string ProcessGroup = "legacy.time";
            }
        }
        """;
}
