using System.Collections.Generic;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

/// <summary>
/// An expression after name resolution, carrying a type whose lengths may still be unknown;
/// once the whole cell is checked, <see cref="Resolve()"/> turns it into a <see cref="BoundExpression"/>.
/// </summary>
internal abstract class TypedNode(ValueType type)
{
    public ValueType Type { get; } = type;

    public abstract BoundExpression Resolve();

    protected Shape ResolvedShape() => Resolve(Type);

    public static Shape Resolve(ValueType type) => type switch
    {
        VectorType vector => Shape.Vector(vector.Length.Value!),
        MatrixType matrix => Shape.Matrix(matrix.Rows.Value!, matrix.Columns.Value!),
        _ => Shape.Scalar,
    };
}

internal sealed class LiteralNode(double value) : TypedNode(ScalarType.Instance)
{
    public override BoundExpression Resolve() => new BoundLiteral(value);
}

internal sealed class ValueNode(ValueKind kind, string name, int offset, ValueType type) : TypedNode(type)
{
    public override BoundExpression Resolve() => new BoundValue(kind, name, offset, ResolvedShape());
}

internal sealed class CallNode(Function function, TypedNode argument, ValueType type) : TypedNode(type)
{
    public override BoundExpression Resolve() => new BoundCall(function, argument.Resolve(), ResolvedShape());
}

internal sealed class NegateNode(TypedNode operand) : TypedNode(operand.Type)
{
    public override BoundExpression Resolve() => new BoundNegate(operand.Resolve(), ResolvedShape());
}

internal sealed class BinaryNode(BinaryOperator op, TypedNode left, TypedNode right, ValueType type) : TypedNode(type)
{
    public override BoundExpression Resolve() => new BoundBinary(op, left.Resolve(), right.Resolve(), ResolvedShape());
}

internal sealed class ConcatNode(IReadOnlyList<TypedNode> parts, ValueType type) : TypedNode(type)
{
    public override BoundExpression Resolve()
    {
        var bound = new BoundExpression[parts.Count];
        for (int i = 0; i < bound.Length; i++)
            bound[i] = parts[i].Resolve();
        return new BoundConcat(new EquatableArray<BoundExpression>(bound), ResolvedShape());
    }
}

/// <summary>Stands for a subexpression that already failed; never resolved, because a cell with errors has no spec.</summary>
internal sealed class ErrorNode() : TypedNode(ErrorType.Instance)
{
    public static ErrorNode Instance { get; } = new();

    public override BoundExpression Resolve() => throw new System.InvalidOperationException("A cell with errors is never resolved.");
}
