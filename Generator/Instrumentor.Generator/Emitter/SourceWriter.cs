using System;
using System.Text;

namespace Instrumentor.Generator.Emitter;

/// <summary>A minimal indented text writer: the emitter writes code as text, line by line.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Writes a line at the current indentation; a text with line breaks becomes several lines, each indented.</summary>
    public void Line(string line = "")
    {
        foreach (string part in line.Split('\n'))
        {
            if (part.Length > 0)
            {
                _text.Append(' ', _indent * 4);
                _text.Append(part);
            }

            _text.Append('\n');
        }
    }

    public void Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>Opens a block and closes it when the returned scope is disposed.</summary>
    public Block Scope(string line)
    {
        Open(line);
        return new Block(this);
    }

    public override string ToString() => _text.ToString();

    public readonly struct Block : IDisposable
    {
        private readonly SourceWriter _writer;

        public Block(SourceWriter writer) => _writer = writer;

        public void Dispose() => _writer.Close();
    }
}
