using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SeqGen.Generators.Language;

namespace SeqGen.Generators.Diagnostics;

/// <summary>
/// Maps character offsets in a string's value to positions in the source of the literal that
/// wrote it — regular (with escapes), verbatim and raw (single- and multi-line) literals — so a
/// diagnostic underlines exactly the characters it is about.
/// </summary>
internal sealed class StringLiteralMap
{
    // For each character of the value: where its source text starts and ends.
    private readonly int[] _starts;
    private readonly int[] _ends;
    private readonly int _contentEnd;

    private StringLiteralMap(int[] starts, int[] ends, int contentEnd)
    {
        _starts = starts;
        _ends = ends;
        _contentEnd = contentEnd;
    }

    /// <summary>
    /// The source span of <paramref name="range"/> within <paramref name="expression"/>, or the
    /// whole expression when it is not a single literal whose text can be mapped (a constant
    /// from elsewhere, a concatenation, an interpolation).
    /// </summary>
    public static TextSpan Locate(ExpressionSyntax expression, TextRange range)
    {
        if (expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal
            && Build(literal.Token) is { } map && range.End <= map._starts.Length)
        {
            return map.Span(range);
        }
        return expression.Span;
    }

    private TextSpan Span(TextRange range)
    {
        int start = range.Start < _starts.Length ? _starts[range.Start] : _contentEnd;
        int end = range.Length == 0 ? start : _ends[range.End - 1];
        return TextSpan.FromBounds(start, end);
    }

    private static StringLiteralMap? Build(SyntaxToken token)
    {
        string text = token.Text;
        int origin = token.SpanStart;
        var starts = new List<int>();
        var ends = new List<int>();
        var value = new StringBuilder();
        int contentEnd;
        switch ((SyntaxKind)token.RawKind)
        {
            case SyntaxKind.StringLiteralToken when text.StartsWith("@\"", System.StringComparison.Ordinal):
                contentEnd = MapVerbatim(text, value, starts, ends);
                break;
            case SyntaxKind.StringLiteralToken when text.StartsWith("\"", System.StringComparison.Ordinal):
                contentEnd = MapRegular(text, value, starts, ends);
                break;
            case SyntaxKind.SingleLineRawStringLiteralToken:
                contentEnd = MapSingleLineRaw(text, value, starts, ends);
                break;
            case SyntaxKind.MultiLineRawStringLiteralToken:
                contentEnd = MapMultiLineRaw(text, value, starts, ends);
                break;
            default:
                return null;
        }
        // The map is trusted only when it rebuilds exactly the value the compiler computed.
        if (contentEnd < 0 || value.ToString() != token.ValueText)
            return null;
        for (int i = 0; i < starts.Count; i++)
        {
            starts[i] += origin;
            ends[i] += origin;
        }
        return new StringLiteralMap(starts.ToArray(), ends.ToArray(), contentEnd + origin);
    }

    private static void Add(StringBuilder value, List<int> starts, List<int> ends, string chars, int start, int end)
    {
        foreach (char c in chars)
        {
            value.Append(c);
            starts.Add(start);
            ends.Add(end);
        }
    }

    private static int MapVerbatim(string text, StringBuilder value, List<int> starts, List<int> ends)
    {
        int i = 2;
        while (i < text.Length - 1)
        {
            int length = text[i] == '"' && text[i + 1] == '"' ? 2 : 1;
            Add(value, starts, ends, text[i].ToString(), i, i + length);
            i += length;
        }
        return i;
    }

    private static int MapRegular(string text, StringBuilder value, List<int> starts, List<int> ends)
    {
        int i = 1;
        while (i < text.Length - 1)
        {
            if (text[i] != '\\')
            {
                Add(value, starts, ends, text[i].ToString(), i, i + 1);
                i++;
                continue;
            }
            int start = i;
            char kind = text[i + 1];
            string decoded;
            i += 2;
            switch (kind)
            {
                case 'x':
                case 'u':
                case 'U':
                {
                    int maxDigits = kind == 'U' ? 8 : 4;
                    int digitsStart = i;
                    while (i < text.Length - 1 && i - digitsStart < maxDigits && System.Uri.IsHexDigit(text[i]))
                        i++;
                    if (!int.TryParse(text.Substring(digitsStart, i - digitsStart), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        return -1;
                    decoded = code > 0xFFFF ? char.ConvertFromUtf32(code) : ((char)code).ToString();
                    break;
                }
                default:
                    decoded = kind switch
                    {
                        '0' => "\0",
                        'a' => "\a",
                        'b' => "\b",
                        'e' => "\u001b",
                        'f' => "\f",
                        'n' => "\n",
                        'r' => "\r",
                        't' => "\t",
                        'v' => "\v",
                        _ => kind.ToString(),
                    };
                    break;
            }
            Add(value, starts, ends, decoded, start, i);
        }
        return i;
    }

    private static int CountQuotes(string text, int from)
    {
        int count = 0;
        while (from + count < text.Length && text[from + count] == '"')
            count++;
        return count;
    }

    private static int MapSingleLineRaw(string text, StringBuilder value, List<int> starts, List<int> ends)
    {
        int quotes = CountQuotes(text, 0);
        int end = text.Length - quotes;
        for (int i = quotes; i < end; i++)
            Add(value, starts, ends, text[i].ToString(), i, i + 1);
        return end;
    }

    // A multi-line raw literal's value is its lines between the opening and closing lines,
    // each without the whitespace that precedes the closing quotes.
    private static int MapMultiLineRaw(string text, StringBuilder value, List<int> starts, List<int> ends)
    {
        int quotes = CountQuotes(text, 0);
        int closingQuotes = text.Length - quotes;
        int closingLineStart = closingQuotes;
        while (closingLineStart > 0 && text[closingLineStart - 1] != '\n' && text[closingLineStart - 1] != '\r')
            closingLineStart--;
        int indentation = closingQuotes - closingLineStart;
        int contentStart = text.IndexOf('\n', quotes) + 1;
        if (contentStart <= 0)
            return -1;
        // The line break before the closing line is not part of the value.
        int contentEnd = closingLineStart;
        if (contentEnd > 0 && text[contentEnd - 1] == '\n')
            contentEnd--;
        if (contentEnd > 0 && text[contentEnd - 1] == '\r')
            contentEnd--;
        int i = contentStart;
        bool atLineStart = true;
        while (i < contentEnd)
        {
            if (atLineStart)
            {
                int lineEnd = i;
                while (lineEnd < contentEnd && text[lineEnd] != '\r' && text[lineEnd] != '\n')
                    lineEnd++;
                // Whitespace-only lines may be shorter than the indentation.
                i += System.Math.Min(indentation, lineEnd - i);
                atLineStart = false;
                continue;
            }
            char c = text[i];
            Add(value, starts, ends, c.ToString(), i, i + 1);
            i++;
            if (c == '\n' || (c == '\r' && (i >= contentEnd || text[i] != '\n')))
                atLineStart = true;
        }
        return contentEnd;
    }
}
