using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;

namespace SeqGen.Generators.Model;

/// <summary>
/// A checked expression: every name resolved, every node's shape known. Value-equatable, so a
/// cell whose equations did not change compares equal and its generated code stays cached.
/// </summary>
internal abstract record BoundExpression(Shape Shape);

internal sealed record BoundLiteral(double Value) : BoundExpression(Shape.Scalar);

internal enum ValueKind
{
    Input,
    /// <summary>A state's previous value (<c>h</c>), or <c>h[t-d]</c> with <see cref="BoundValue.Offset"/> = d.</summary>
    PreviousState,
    /// <summary>A state's new value <c>h'</c>, read after its definition.</summary>
    NewState,
    /// <summary>Child <see cref="BoundValue.Offset"/>'s state in a recursive cell.</summary>
    ChildState,
    Intermediate,
    Parameter,
}

/// <summary>A read of a named value. <see cref="Offset"/> is the lag (1 for a bare state) or the child index.</summary>
internal sealed record BoundValue(ValueKind Kind, string Name, int Offset, Shape Shape) : BoundExpression(Shape);

internal sealed record BoundCall(Function Function, BoundExpression Argument, Shape Shape) : BoundExpression(Shape);

internal sealed record BoundNegate(BoundExpression Operand, Shape Shape) : BoundExpression(Shape);

internal sealed record BoundBinary(BinaryOperator Operator, BoundExpression Left, BoundExpression Right, Shape Shape)
    : BoundExpression(Shape);

internal sealed record BoundConcat(EquatableArray<BoundExpression> Parts, Shape Shape) : BoundExpression(Shape);
