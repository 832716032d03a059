using System;
using System.Collections.Generic;
using System.Globalization;

namespace SeqGen.Generators.Language;

/// <summary>
/// Recursive-descent parser of one equation. Precedence, loosest first: <c>+ -</c>, <c>* /</c>,
/// unary <c>-</c>, <c>@</c> (right-associative, so <c>r * U @ h</c> is <c>r * (U @ h)</c>).
/// </summary>
/// <remarks>
/// The first syntax error ends parsing: it is reported with what was expected and what was
/// found, and the equation yields no tree (later errors would mostly be echoes of the first).
/// </remarks>
internal sealed class Parser
{
    private const int MaxNesting = 100;
    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;

    private Parser(string text) => _tokens = Lexer.Tokenize(text);

    /// <summary>Parses <paramref name="text"/>; returns null and sets <paramref name="error"/> on a syntax error.</summary>
    public static Equation? ParseEquation(string text, out SyntaxError? error)
    {
        var parser = new Parser(text);
        try
        {
            error = null;
            return parser.Equation();
        }
        catch (SyntaxErrorException e)
        {
            error = e.Error;
            return null;
        }
    }

    private Token Current => _tokens[_position];

    private Token Advance() => _tokens[_position++];

    private Equation Equation()
    {
        Token target = Expect(TokenKind.Identifier, "the name being defined");
        bool isNewState = false;
        TextRange targetRange = target.Range;
        if (Current.Kind == TokenKind.Prime && Current.Range.Start == target.Range.End)
        {
            targetRange = targetRange.Cover(Advance().Range);
            isNewState = true;
        }
        Expect(TokenKind.Equals, "'='");
        Expression value = Sum();
        if (Current.Kind != TokenKind.End)
            throw Error("an operator or the end of the equation");
        return new Equation(target.Text, isNewState, targetRange, value);
    }

    private Expression Sum()
    {
        // Bounded nesting keeps a pathological string from overflowing the compiler's stack.
        if (++_depth > MaxNesting)
            throw Error($"at most {MaxNesting} levels of nesting");
        Expression left = Product();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Advance().Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
            Expression right = Product();
            left = new BinaryExpression(op, left, right, left.Range.Cover(right.Range));
        }
        _depth--;
        return left;
    }

    private Expression Product()
    {
        Expression left = Unary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash)
        {
            var op = Advance().Kind == TokenKind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide;
            Expression right = Unary();
            left = new BinaryExpression(op, left, right, left.Range.Cover(right.Range));
        }
        return left;
    }

    private Expression Unary()
    {
        if (Current.Kind == TokenKind.Minus)
        {
            if (++_depth > MaxNesting)
                throw Error($"at most {MaxNesting} levels of nesting");
            Token minus = Advance();
            Expression operand = Unary();
            _depth--;
            return new NegateExpression(operand, minus.Range.Cover(operand.Range));
        }
        Expression left = Primary();
        if (Current.Kind == TokenKind.At)
        {
            if (++_depth > MaxNesting)
                throw Error($"at most {MaxNesting} levels of nesting");
            Advance();
            Expression right = Unary();
            _depth--;
            return new BinaryExpression(BinaryOperator.MatrixProduct, left, right, left.Range.Cover(right.Range));
        }
        return left;
    }

    private Expression Primary()
    {
        Token token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                if (!double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                    || double.IsInfinity(value))
                {
                    throw new SyntaxErrorException(new SyntaxError("a number of finite size", token.Describe(), token.Range));
                }
                return new NumberExpression(value, token.Text, token.Range);
            case TokenKind.Identifier:
                return NameOrCall();
            case TokenKind.OpenParen:
            {
                Advance();
                Expression inner = Sum();
                Token close = Expect(TokenKind.CloseParen, "')'");
                return inner with { Range = token.Range.Cover(close.Range) };
            }
            case TokenKind.OpenBracket:
            {
                Advance();
                var parts = new List<Expression> { Sum() };
                while (Current.Kind == TokenKind.Semicolon)
                {
                    Advance();
                    parts.Add(Sum());
                }
                Token close = Expect(TokenKind.CloseBracket, "';' or ']'");
                return new ConcatExpression(parts, token.Range.Cover(close.Range));
            }
            default:
                throw Error("a name, a number, '(', '[' or '-'");
        }
    }

    private Expression NameOrCall()
    {
        Token name = Advance();
        if (Current.Kind == TokenKind.OpenParen)
        {
            Advance();
            Expression argument = Sum();
            if (Current.Kind == TokenKind.Comma)
                throw Error("')' (functions take one argument)");
            Token close = Expect(TokenKind.CloseParen, "')'");
            return new CallExpression(name.Text, name.Range, argument, name.Range.Cover(close.Range));
        }
        if (Current.Kind == TokenKind.Prime && Current.Range.Start == name.Range.End)
        {
            Token prime = Advance();
            TextRange range = name.Range.Cover(prime.Range);
            return new NameExpression(name.Text, true, null, range, range);
        }
        if (Current.Kind == TokenKind.OpenBracket && Current.Range.Start == name.Range.End)
        {
            NameIndex index = Index();
            return new NameExpression(name.Text, false, index, name.Range, name.Range.Cover(index.Range));
        }
        return new NameExpression(name.Text, false, null, name.Range, name.Range);
    }

    // h[t-d] (a lag) or h[k] (a child); h[t] parses as a lag of 0 so analysis can explain it.
    private NameIndex Index()
    {
        Token open = Advance();
        NameIndex index;
        if (Current.Kind == TokenKind.Identifier && Current.Text == "t")
        {
            Advance();
            int lag = 0;
            if (Current.Kind == TokenKind.Minus)
            {
                Advance();
                lag = Integer("a whole number of steps");
            }
            Token close = Expect(TokenKind.CloseBracket, "'-' or ']'");
            index = new NameIndex(NameIndexKind.Lag, lag, open.Range.Cover(close.Range));
        }
        else if (Current.Kind == TokenKind.Number)
        {
            int child = Integer("a child index");
            Token close = Expect(TokenKind.CloseBracket, "']'");
            index = new NameIndex(NameIndexKind.Child, child, open.Range.Cover(close.Range));
        }
        else
        {
            throw Error("'t-d' (a lag) or a child index");
        }
        return index;
    }

    private int Integer(string what)
    {
        Token token = Current;
        if (token.Kind != TokenKind.Number
            || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            throw Error(what);
        }
        Advance();
        return value;
    }

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
            throw Error(what);
        return Advance();
    }

    private SyntaxErrorException Error(string expected) =>
        new(new SyntaxError(expected, Current.Describe(), Current.Range));

    private sealed class SyntaxErrorException(SyntaxError error) : Exception
    {
        public SyntaxError Error { get; } = error;
    }
}

/// <summary>What the parser expected, what it found instead, and where.</summary>
internal sealed record SyntaxError(string Expected, string Found, TextRange Range);
