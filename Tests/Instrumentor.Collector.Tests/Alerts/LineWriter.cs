using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Instrumentor.Collector.Tests.Alerts;

/// <summary>A thread-safe <see cref="TextWriter"/> that keeps the lines written (the collector's output in tests).</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public IReadOnlyList<string> Lines()
    {
        lock (_text)
        {
            return _text.ToString().Split('\n', System.StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        }
    }
}
