using System.Collections.Generic;
using System.Globalization;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>Writes expressions back in the cell language, for the comments above generated code.</summary>
internal static class ExpressionText
{
    public static string Of(BoundExpression expression) => expression switch
    {
        BoundLiteral literal => Number(literal.Value),
        BoundValue value => Value(value.Kind, value.Name, value.Offset),
        BoundCall call => $"{call.Function.Name()}({Of(call.Argument)})",
        BoundNegate negate => "-" + Wrap(negate.Operand, 3, false),
        BoundBinary binary => $"{Wrap(binary.Left, Precedence(binary.Operator), false)} {binary.Operator.Symbol()} {Wrap(binary.Right, Precedence(binary.Operator), true)}",
        BoundConcat concat => "[" + string.Join("; ", Parts(concat)) + "]",
        _ => "?",
    };

    private static IEnumerable<string> Parts(BoundConcat concat)
    {
        foreach (BoundExpression part in concat.Parts)
            yield return Of(part);
    }

    private static int Precedence(BinaryOperator op) => op switch
    {
        BinaryOperator.Add or BinaryOperator.Subtract => 1,
        BinaryOperator.Multiply or BinaryOperator.Divide => 2,
        _ => 4,
    };

    private static int Precedence(BoundExpression expression) => expression switch
    {
        BoundBinary binary => Precedence(binary.Operator),
        BoundNegate => 3,
        _ => 5,
    };

    // Parentheses only where the language needs them: a looser operand, or a right operand of
    // equal precedence (a - (b - c)); '@' is right-associative, so the reverse holds for it.
    private static string Wrap(BoundExpression operand, int parent, bool right)
    {
        int own = Precedence(operand);
        bool wrap = own < parent || (own == parent && (parent == 4 ? !right : right));
        return wrap ? "(" + Of(operand) + ")" : Of(operand);
    }

    /// <summary>An expression as an operand of a product, parenthesised unless it is a single term.</summary>
    public static string Factor(BoundExpression expression) => Wrap(expression, 3, false);

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Value(ValueKind kind, string name, int offset) => kind switch
    {
        ValueKind.PreviousState when offset > 1 => $"{name}[t-{offset.ToString(CultureInfo.InvariantCulture)}]",
        ValueKind.NewState => name + "'",
        ValueKind.ChildState => $"{name}[{offset.ToString(CultureInfo.InvariantCulture)}]",
        _ => name,
    };

    /// <summary>A node of a fused loop, written in the cell language.</summary>
    public static string Of(ElementNode node) => node switch
    {
        ConstantNode constant => Number(constant.Value),
        LeafNode leaf => leaf.Source.Text,
        UnaryNode { Function: null } unary => "-" + Wrap(unary.Operand, 3, false),
        UnaryNode unary => $"{unary.Function!.Value.Name()}({Of(unary.Operand)})",
        BinaryNode binary => $"{Wrap(binary.Left, Precedence(binary.Operator), false)} {binary.Operator.Symbol()} {Wrap(binary.Right, Precedence(binary.Operator), true)}",
        _ => "?",
    };

    private static int Precedence(ElementNode node) => node switch
    {
        BinaryNode binary => Precedence(binary.Operator),
        UnaryNode { Function: null } => 3,
        LeafNode { Source.Kind: SourceKind.Product } => 4,
        _ => 5,
    };

    private static string Wrap(ElementNode operand, int parent, bool right)
    {
        int own = Precedence(operand);
        bool wrap = own < parent || (own == parent && right);
        return wrap ? "(" + Of(operand) + ")" : Of(operand);
    }

    /// <summary>A node as a factor of a product, parenthesised unless it is a single term.</summary>
    public static string Factor(ElementNode node) => Wrap(node, 3, false);
}
