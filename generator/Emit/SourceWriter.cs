using System;
using System.Text;

namespace GenNet.Generator.Emit;

/// <summary>An indented text writer with block scopes: <c>using (writer.Block("class X")) { … }</c>.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _indent;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _text.Append(IndentUnit);
            }
            _text.Append(line);
        }
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the scope is disposed.</summary>
    public Scope Block(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return new Scope(this);
    }

    /// <summary>Indents the lines that follow, for a block opened by hand; <see cref="EndBlock"/> closes it.</summary>
    public void Indent() => _indent++;

    /// <summary>Closes a block opened by hand: unindents and writes the closing brace.</summary>
    public void EndBlock()
    {
        _indent--;
        Line("}");
    }

    public override string ToString() => _text.ToString();

    internal readonly struct Scope(SourceWriter writer) : IDisposable
    {
        public void Dispose() => writer.EndBlock();
    }
}
