using System.Collections.Generic;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

/// <summary>
/// A length not yet known: a union-find node that is eventually bound to a <see cref="Size"/>.
/// Unifying two lengths says they are equal; binding says what they are.
/// </summary>
internal sealed class SizeVariable
{
    private SizeVariable? _parent;
    private Size? _value;

    public SizeVariable(Size? value = null) => _value = value;

    public Size? Value => Root()._value;

    /// <summary>True when this length is the result of a concatenation whose parts never became known.</summary>
    public bool Poisoned
    {
        get => Root()._poisoned;
        set => Root()._poisoned = value;
    }

    private bool _poisoned;

    public SizeVariable Root()
    {
        SizeVariable node = this;
        while (node._parent is not null)
            node = node._parent;
        return node;
    }

    /// <summary>Makes two lengths one; false (and no change) when both are known and differ.</summary>
    public static bool Unify(SizeVariable a, SizeVariable b)
    {
        SizeVariable ra = a.Root(), rb = b.Root();
        if (ReferenceEquals(ra, rb))
            return true;
        if (ra._value is not null && rb._value is not null)
            return ra._value.Equals(rb._value);
        rb._parent = ra;
        ra._value ??= rb._value;
        ra._poisoned |= rb._poisoned;
        return true;
    }

    public override string ToString() => Value?.ToString() ?? "?";
}

/// <summary>The type of an expression while the cell is being checked.</summary>
internal abstract class ValueType
{
    public abstract string Describe();
}

internal sealed class ScalarType : ValueType
{
    public static ScalarType Instance { get; } = new();

    public override string Describe() => "scalar";
}

internal sealed class VectorType(SizeVariable length) : ValueType
{
    public SizeVariable Length { get; } = length;

    public override string Describe() => $"vector[{Length}]";
}

internal sealed class MatrixType(SizeVariable rows, SizeVariable columns) : ValueType
{
    public SizeVariable Rows { get; } = rows;

    public SizeVariable Columns { get; } = columns;

    public override string Describe() => Model.Shape.MatrixText(Rows.ToString(), Columns.ToString());
}

/// <summary>The type of an expression that already has an error: it silences follow-on errors.</summary>
internal sealed class ErrorType : ValueType
{
    public static ErrorType Instance { get; } = new();

    public override string Describe() => "?";
}

/// <summary>
/// A concatenation whose parts were not all known when it was checked: its length is the sum
/// of theirs, settled once the rest of the cell has been checked.
/// </summary>
internal sealed class SumConstraint(SizeVariable result, IReadOnlyList<SizeVariable> parts, int equation, TextRange range)
{
    public SizeVariable Result { get; } = result;

    public IReadOnlyList<SizeVariable> Parts { get; } = parts;

    public int Equation { get; } = equation;

    public TextRange Range { get; } = range;

    /// <summary>
    /// Derives what can be derived: the result from all parts, or one missing part from the
    /// result and the others. Returns null while undecided, true when settled, false on a conflict.
    /// </summary>
    public bool? TrySettle()
    {
        Size total = Size.Of(0);
        SizeVariable? missing = null;
        foreach (SizeVariable part in Parts)
        {
            if (part.Value is { } known)
            {
                total = total.Plus(known);
            }
            else if (missing is null)
            {
                missing = part;
            }
            else
            {
                return null;
            }
        }
        if (missing is null)
            return SizeVariable.Unify(Result, new SizeVariable(total));
        if (Result.Value is not { } whole)
            return null;
        Size rest = whole.Minus(total);
        return rest.IsPositive && SizeVariable.Unify(missing, new SizeVariable(rest));
    }
}
