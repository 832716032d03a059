using System;
using System.Text;

namespace SeqGen.Generators.Emission;

/// <summary>Writes indented C# text; <see cref="Block"/> opens a brace block closed on dispose.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
            _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    public IDisposable Block(string header)
    {
        if (header.Length > 0)
            Line(header);
        Line("{");
        _indent++;
        return new Closer(this);
    }

    /// <summary>Appends text another writer produced, each of its lines at this writer's indentation.</summary>
    public SourceWriter Lines(string text)
    {
        foreach (string line in text.TrimEnd('\n').Split('\n'))
            Line(line);
        return this;
    }

    public override string ToString() => _text.ToString();

    private sealed class Closer(SourceWriter writer) : IDisposable
    {
        public void Dispose()
        {
            writer._indent--;
            writer.Line("}");
        }
    }
}
