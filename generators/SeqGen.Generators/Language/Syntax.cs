using System.Collections.Generic;

namespace SeqGen.Generators.Language;

/// <summary>A parsed equation: <c>target = value</c> or <c>target' = value</c>.</summary>
internal sealed record Equation(string Target, bool IsNewState, TextRange TargetRange, Expression Value);

internal abstract record Expression(TextRange Range);

internal sealed record NumberExpression(double Value, string Text, TextRange Range) : Expression(Range);

/// <summary>
/// A name as written: <c>h</c>, <c>h'</c>, <c>h[t-2]</c> (a lag) or <c>h[1]</c> (a child).
/// </summary>
internal sealed record NameExpression(string Name, bool IsNewState, NameIndex? Index, TextRange NameRange, TextRange Range)
    : Expression(Range);

internal enum NameIndexKind
{
    Lag,
    Child,
}

/// <summary>The bracketed part of <c>h[t-d]</c> or <c>h[k]</c>; <see cref="Range"/> covers the brackets.</summary>
internal sealed record NameIndex(NameIndexKind Kind, int Value, TextRange Range);

internal sealed record CallExpression(string Function, TextRange FunctionRange, Expression Argument, TextRange Range)
    : Expression(Range);

internal sealed record NegateExpression(Expression Operand, TextRange Range) : Expression(Range);

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    MatrixProduct,
}

internal sealed record BinaryExpression(BinaryOperator Operator, Expression Left, Expression Right, TextRange Range)
    : Expression(Range);

internal sealed record ConcatExpression(IReadOnlyList<Expression> Parts, TextRange Range) : Expression(Range);

internal static class BinaryOperatorText
{
    public static string Symbol(this BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        _ => "@",
    };
}
