using System.Collections.Generic;
using System.Globalization;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

internal readonly record struct NamedRange(string Name, TextRange Range);

/// <summary>One <c>name: size</c> entry of <c>Sizes</c>; <see cref="Value"/> is a symbol or a positive integer.</summary>
internal sealed record SizeEntry(string Name, TextRange NameRange, Size Value, TextRange ValueRange);

/// <summary>A <c>Shape</c> text: its kind and sizes, plus each symbol it names (to check they exist).</summary>
internal sealed record ShapeText(Shape Shape, IReadOnlyList<NamedRange> Symbols);

/// <summary>
/// Parsers for the small texts of the attributes: <c>Inputs</c>, <c>Sizes</c>, <c>Shape</c> and
/// <c>Init</c>. Each returns null and an <see cref="OptionError"/> on malformed text.
/// </summary>
internal static class OptionParsers
{
    /// <summary><c>"x"</c>, <c>"x, ctx"</c> or empty.</summary>
    public static List<NamedRange>? ParseNames(string text, out OptionError? error)
    {
        var cursor = new Cursor(text);
        var names = new List<NamedRange>();
        error = null;
        if (cursor.Current.Kind == TokenKind.End)
            return names;
        while (true)
        {
            if (!cursor.Expect(TokenKind.Identifier, "a name", out Token name, out error))
                return null;
            foreach (NamedRange seen in names)
            {
                if (seen.Name == name.Text)
                {
                    error = new OptionError($"'{name.Text}' is listed twice", name.Range);
                    return null;
                }
            }
            names.Add(new NamedRange(name.Text, name.Range));
            if (cursor.Current.Kind == TokenKind.End)
                return names;
            if (!cursor.Expect(TokenKind.Comma, "',' or the end", out _, out error))
                return null;
        }
    }

    /// <summary><c>"h: P, c: H"</c> or empty; sizes are symbols or positive integers.</summary>
    public static List<SizeEntry>? ParseSizes(string text, out OptionError? error)
    {
        var cursor = new Cursor(text);
        var entries = new List<SizeEntry>();
        error = null;
        if (cursor.Current.Kind == TokenKind.End)
            return entries;
        while (true)
        {
            if (!cursor.Expect(TokenKind.Identifier, "a state or input name", out Token name, out error)
                || !cursor.Expect(TokenKind.Colon, "':'", out _, out error))
            {
                return null;
            }
            Token value = cursor.Current;
            Size size;
            if (value.Kind == TokenKind.Identifier)
            {
                size = Size.Symbol(value.Text);
            }
            else if (value.Kind == TokenKind.Number && TryPositiveInteger(value.Text, out int constant))
            {
                size = Size.Of(constant);
            }
            else
            {
                error = new OptionError($"expected a size symbol or a positive integer, found {value.Describe()}", value.Range);
                return null;
            }
            cursor.Advance();
            foreach (SizeEntry seen in entries)
            {
                if (seen.Name == name.Text)
                {
                    error = new OptionError($"'{name.Text}' is given a size twice", name.Range);
                    return null;
                }
            }
            entries.Add(new SizeEntry(name.Text, name.Range, size, value.Range));
            if (cursor.Current.Kind == TokenKind.End)
                return entries;
            if (!cursor.Expect(TokenKind.Comma, "',' or the end", out _, out error))
                return null;
        }
    }

    /// <summary><c>"scalar"</c>, <c>"H"</c>, <c>"H,I"</c>; a size is a sum of terms like <c>2*H</c>, <c>H</c> or <c>3</c>.</summary>
    public static ShapeText? ParseShape(string text, out OptionError? error)
    {
        var cursor = new Cursor(text);
        error = null;
        var symbols = new List<NamedRange>();
        if (cursor.Current.Kind == TokenKind.Identifier && cursor.Current.Text == "scalar")
        {
            cursor.Advance();
            if (!cursor.Expect(TokenKind.End, "the end after 'scalar'", out _, out error))
                return null;
            return new ShapeText(Shape.Scalar, symbols);
        }
        Size? rows = ParseSize(cursor, symbols, out error);
        if (rows is null)
            return null;
        if (cursor.Current.Kind == TokenKind.End)
            return new ShapeText(Shape.Vector(rows), symbols);
        if (!cursor.Expect(TokenKind.Comma, "',' or the end", out _, out error))
            return null;
        Size? columns = ParseSize(cursor, symbols, out error);
        if (columns is null)
            return null;
        if (!cursor.Expect(TokenKind.End, "the end (a shape has at most two sizes)", out _, out error))
            return null;
        return new ShapeText(Shape.Matrix(rows, columns), symbols);
    }

    /// <summary><c>"0"</c>, <c>"-0.5"</c>, <c>"uniform(a, b)"</c>, <c>"normal(mean, std)"</c>, <c>"orthogonal"</c>, <c>"xavier"</c>.</summary>
    public static InitSpec? ParseInit(string text, out OptionError? error)
    {
        var cursor = new Cursor(text);
        error = null;
        Token head = cursor.Current;
        if (head.Kind == TokenKind.Identifier)
        {
            cursor.Advance();
            switch (head.Text)
            {
                case "orthogonal":
                case "xavier":
                    if (!cursor.Expect(TokenKind.End, $"the end after '{head.Text}'", out _, out error))
                        return null;
                    return new InitSpec(head.Text == "orthogonal" ? InitKind.Orthogonal : InitKind.Xavier, 0, 0);
                case "uniform":
                case "normal":
                {
                    if (!cursor.Expect(TokenKind.OpenParen, "'('", out _, out error)
                        || !ParseSignedNumber(cursor, out double a, out error)
                        || !cursor.Expect(TokenKind.Comma, "','", out _, out error)
                        || !ParseSignedNumber(cursor, out double b, out error)
                        || !cursor.Expect(TokenKind.CloseParen, "')'", out _, out error)
                        || !cursor.Expect(TokenKind.End, "the end", out _, out error))
                    {
                        return null;
                    }
                    bool uniform = head.Text == "uniform";
                    if (uniform ? a > b : b < 0)
                    {
                        error = new OptionError(uniform
                            ? "uniform(a, b) needs a <= b"
                            : "normal(mean, std) needs std >= 0", new TextRange(0, text.Length));
                        return null;
                    }
                    return new InitSpec(uniform ? InitKind.Uniform : InitKind.Normal, a, b);
                }
                default:
                    error = new OptionError(
                        $"unknown initializer '{head.Text}'; use a number, uniform(a, b), normal(mean, std), orthogonal or xavier",
                        head.Range);
                    return null;
            }
        }
        if (!ParseSignedNumber(cursor, out double constant, out error)
            || !cursor.Expect(TokenKind.End, "the end after the number", out _, out error))
        {
            return null;
        }
        return new InitSpec(InitKind.Constant, constant, 0);
    }

    private static Size? ParseSize(Cursor cursor, List<NamedRange> symbols, out OptionError? error)
    {
        Size? total = null;
        while (true)
        {
            Size term;
            Token token = cursor.Current;
            if (token.Kind == TokenKind.Identifier)
            {
                cursor.Advance();
                symbols.Add(new NamedRange(token.Text, token.Range));
                term = Size.Symbol(token.Text);
            }
            else if (token.Kind == TokenKind.Number && TryPositiveInteger(token.Text, out int count))
            {
                cursor.Advance();
                if (cursor.Current.Kind == TokenKind.Star)
                {
                    cursor.Advance();
                    if (!cursor.Expect(TokenKind.Identifier, "a size symbol after '*'", out Token symbol, out error))
                        return null;
                    symbols.Add(new NamedRange(symbol.Text, symbol.Range));
                    term = Size.Symbol(symbol.Text, count);
                }
                else
                {
                    term = Size.Of(count);
                }
            }
            else
            {
                error = new OptionError($"expected 'scalar', a size symbol or a positive integer, found {token.Describe()}", token.Range);
                return null;
            }
            total = total is null ? term : total.Plus(term);
            if (cursor.Current.Kind != TokenKind.Plus)
            {
                error = null;
                return total;
            }
            cursor.Advance();
        }
    }

    private static bool ParseSignedNumber(Cursor cursor, out double value, out OptionError? error)
    {
        bool negative = cursor.Current.Kind == TokenKind.Minus;
        if (negative)
            cursor.Advance();
        Token token = cursor.Current;
        value = 0;
        if (token.Kind != TokenKind.Number
            || !double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            || double.IsInfinity(value))
        {
            error = new OptionError($"expected a number, found {token.Describe()}", token.Range);
            return false;
        }
        cursor.Advance();
        if (negative)
            value = -value;
        error = null;
        return true;
    }

    // Counts beyond a million are typos, not layer sizes; rejecting them keeps size arithmetic in range.
    private static bool TryPositiveInteger(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= 1_000_000;

    private sealed class Cursor(string text)
    {
        private readonly List<Token> _tokens = Lexer.Tokenize(text);
        private int _position;

        public Token Current => _tokens[_position];

        public void Advance()
        {
            if (_position < _tokens.Count - 1)
                _position++;
        }

        public bool Expect(TokenKind kind, string what, out Token token, out OptionError? error)
        {
            token = Current;
            if (token.Kind != kind)
            {
                error = new OptionError($"expected {what}, found {token.Describe()}", token.Range);
                return false;
            }
            Advance();
            error = null;
            return true;
        }
    }
}

/// <summary>What is wrong with an option text, and where.</summary>
internal sealed record OptionError(string Message, TextRange Range);
