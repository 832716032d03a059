using System.Collections.Generic;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>Where a value of one step lives.</summary>
internal enum SourceKind
{
    Parameter,
    Input,
    /// <summary>A state's value <see cref="Source.Lag"/> steps back (recurrent cells).</summary>
    PreviousState,
    /// <summary>A state's new value, written by its equation.</summary>
    NewState,
    /// <summary>Child <see cref="Source.Lag"/>'s state (recursive cells).</summary>
    ChildState,
    Intermediate,
    /// <summary>A value materialised only because something needs it whole: a product's operand, a concatenation, layernorm.</summary>
    Temp,
    /// <summary>Columns of a fused matrix-product group's output.</summary>
    Product,
}

/// <summary>
/// A readable (and, for most kinds, writable) buffer of a step. <see cref="Index"/> is the input,
/// state, temp or group number, <see cref="Name"/> the parameter or intermediate name.
/// </summary>
internal sealed record Source(SourceKind Kind, int Index, string Name, int Lag, Size Length, bool IsScalar, Size ColumnOffset, string Text)
{
    public string Key => $"{Kind}:{Index}:{Name}:{Lag}";
}

/// <summary>A node of a fused elementwise computation.</summary>
internal abstract record ElementNode;

internal sealed record ConstantNode(double Value) : ElementNode;

internal sealed record LeafNode(Source Source) : ElementNode;

/// <summary>A function (or negation when <see cref="Function"/> is null) of one operand.</summary>
internal sealed record UnaryNode(Function? Function, ElementNode Operand) : ElementNode;

internal sealed record BinaryNode(BinaryOperator Operator, ElementNode Left, ElementNode Right) : ElementNode;

/// <summary>Matrices that multiply the same operand, adjacent in the parameter buffer, so one GEMM computes them all.</summary>
internal sealed class ProductGroup(int index, Source operand, bool hoisted)
{
    public int Index { get; } = index;

    public Source Operand { get; } = operand;

    /// <summary>The operand does not depend on the state, so all steps are computed in one GEMM before the loop.</summary>
    public bool Hoisted { get; } = hoisted;

    public List<ProductMember> Members { get; } = new();

    public Size TotalRows
    {
        get
        {
            Size total = Size.Of(0);
            foreach (ProductMember member in Members)
                total = total.Plus(member.Rows);
            return total;
        }
    }
}

internal sealed record ProductMember(string Matrix, Size Rows, Size ColumnOffset, string Text);

internal abstract record StepOperation;

/// <summary>
/// One fused loop: target[b, offset + j] = tree(j) for j below <see cref="Length"/>. The target is
/// an intermediate, a new state, or (part of) a temp.
/// </summary>
internal sealed record ElementwiseOperation(Source Target, Size Length, ElementNode Tree, string Comment) : StepOperation;

internal sealed record ProductOperation(ProductGroup Group) : StepOperation;

/// <summary>Output = (input - mean) / sqrt(var + 1e-5) over each row; <see cref="Stats"/> keeps 1/sqrt(var + 1e-5) for backward.</summary>
internal sealed record LayerNormOperation(Source Input, Source Output, Source Stats) : StepOperation;

/// <summary>
/// The fast shape of one step of a cell: products grouped by operand (and hoisted when the
/// operand is an input), every other computation fused into elementwise loops between them, and
/// values materialised only where a product, a concatenation or layernorm needs them whole.
/// </summary>
internal sealed partial class StepPlan
{
    private readonly CellSpec _spec;
    private readonly Dictionary<string, ProductGroup> _groupsByOperand = new();
    private readonly Dictionary<string, int> _matrixGroup = new();

    public StepPlan(CellSpec spec)
    {
        _spec = spec;
        foreach (EquationSpec equation in spec.Equations)
        {
            Source target = equation.IsState
                ? new Source(SourceKind.NewState, StateIndex(equation.Target), equation.Target, 0, StateSize(equation.Target), false, Size.Of(0), equation.Target + "'")
                : IntermediateSource(equation.Target, equation.Value.Shape);
            if (!equation.IsState)
                Intermediates.Add(target);
            ElementNode tree = Lower(equation.Value);
            Operations.Add(new ElementwiseOperation(target, target.Length, tree, equation.Text));
        }
        ParameterOrder = LayoutOrder();
        SummedProducts = FindSummedProducts();
    }

    public List<StepOperation> Operations { get; } = new();

    public List<ProductGroup> Groups { get; } = new();

    public List<Source> Intermediates { get; } = new();

    public List<Source> Temps { get; } = new();

    /// <summary>Parameters in buffer order: each group's matrices adjacent, then the rest in declaration order.</summary>
    public List<ParameterSpec> ParameterOrder { get; }

    public int StateIndex(string name)
    {
        for (int i = 0; i < _spec.States.Count; i++)
        {
            if (_spec.States[i].Name == name)
                return i;
        }
        throw new KeyNotFoundException(name);
    }

    private Size StateSize(string name) => _spec.States[StateIndex(name)].Size;

    private int InputIndex(string name)
    {
        for (int i = 0; i < _spec.Inputs.Count; i++)
        {
            if (_spec.Inputs[i].Name == name)
                return i;
        }
        throw new KeyNotFoundException(name);
    }

    private static Size LengthOf(Shape shape) => shape.Kind == ShapeKind.Scalar ? Size.Of(1) : shape.Rows!;

    private Source IntermediateSource(string name, Shape shape) =>
        new(SourceKind.Intermediate, Intermediates.Count, name, 0, LengthOf(shape), shape.Kind == ShapeKind.Scalar, Size.Of(0), name);

    private Source NewTemp(Size length, string text, bool isScalar = false)
    {
        var temp = new Source(SourceKind.Temp, Temps.Count, "", 0, length, isScalar, Size.Of(0), text);
        Temps.Add(temp);
        return temp;
    }

    private Source Read(BoundValue value)
    {
        Size length = LengthOf(value.Shape);
        bool scalar = value.Shape.Kind == ShapeKind.Scalar;
        string text = ExpressionText.Value(value.Kind, value.Name, value.Offset);
        return value.Kind switch
        {
            ValueKind.Parameter => new Source(SourceKind.Parameter, 0, value.Name, 0, length, scalar, Size.Of(0), text),
            ValueKind.Input => new Source(SourceKind.Input, InputIndex(value.Name), value.Name, 0, length, false, Size.Of(0), text),
            ValueKind.PreviousState => new Source(SourceKind.PreviousState, StateIndex(value.Name), value.Name, value.Offset, length, false, Size.Of(0), text),
            ValueKind.NewState => new Source(SourceKind.NewState, StateIndex(value.Name), value.Name, 0, length, false, Size.Of(0), text),
            ValueKind.ChildState => new Source(SourceKind.ChildState, StateIndex(value.Name), value.Name, value.Offset, length, false, Size.Of(0), text),
            _ => Intermediates.Find(s => s.Name == value.Name)!,
        };
    }

    private ElementNode Lower(BoundExpression expression)
    {
        switch (expression)
        {
            case BoundLiteral literal:
                return new ConstantNode(literal.Value);
            case BoundValue value:
                return new LeafNode(Read(value));
            case BoundNegate negate:
                return new UnaryNode(null, Lower(negate.Operand));
            case BoundCall { Function: Function.LayerNorm } layerNorm:
            {
                Source input = Materialize(layerNorm.Argument);
                Source output = NewTemp(input.Length, ExpressionText.Of(layerNorm));
                Source stats = NewTemp(Size.Of(1), "1 / sqrt(var + 1e-5)", isScalar: true);
                Operations.Add(new LayerNormOperation(input, output, stats));
                return new LeafNode(output);
            }
            case BoundCall call:
                return new UnaryNode(call.Function, Lower(call.Argument));
            case BoundBinary { Operator: BinaryOperator.MatrixProduct } product:
                return new LeafNode(Multiply(((BoundValue)product.Left).Name, product.Left.Shape, product.Right));
            case BoundBinary binary:
                return new BinaryNode(binary.Operator, Lower(binary.Left), Lower(binary.Right));
            case BoundConcat concat:
                return new LeafNode(Concatenate(concat));
            default:
                throw new System.InvalidOperationException("Unknown bound node " + expression.GetType().Name);
        }
    }

    /// <summary>A value that is read row by row from a buffer of its own, computing it into a temp when it is not one already.</summary>
    private Source Materialize(BoundExpression expression)
    {
        if (expression is BoundValue value && value.Shape.Kind == ShapeKind.Vector)
        {
            Source source = Read(value);
            bool rowContiguous = source.Kind switch
            {
                SourceKind.Input or SourceKind.NewState or SourceKind.ChildState or SourceKind.Intermediate => true,
                // Lag 1 keeps the state history contiguous over steps; longer lags are copied.
                SourceKind.PreviousState => source.Lag == 1,
                _ => false,
            };
            if (rowContiguous)
                return source;
        }
        if (expression is BoundConcat concat)
            return Concatenate(concat);
        Size length = LengthOf(expression.Shape);
        string text = ExpressionText.Of(expression);
        Source temp = NewTemp(length, text);
        Operations.Add(new ElementwiseOperation(temp, length, Lower(expression), $"({text}), a whole operand"));
        return temp;
    }

    /// <summary>
    /// Whether a product's operand is made of child states alone (a child state, or a
    /// concatenation of them): a leaf's zero children make such a product zero.
    /// </summary>
    public bool ReadsOnlyChildren(Source operand) =>
        operand.Kind == SourceKind.ChildState || (operand.Kind == SourceKind.Temp && _childOnlyTemps.Contains(operand.Index));

    private readonly HashSet<int> _childOnlyTemps = new();

    // Every value a step reads is assigned once, so equal concatenations are one buffer: the
    // products that read it then form one group (one GEMM, one copy of the parts).
    private readonly Dictionary<string, Source> _concatenations = new();

    private Source Concatenate(BoundConcat concat)
    {
        string text = ExpressionText.Of(concat);
        if (_concatenations.TryGetValue(text, out Source? earlier))
            return earlier;
        Source whole = NewTemp(concat.Shape.Rows!, text);
        _concatenations[text] = whole;
        bool childrenOnly = true;
        foreach (BoundExpression part in concat.Parts)
            childrenOnly &= part is BoundValue { Kind: ValueKind.ChildState };
        if (childrenOnly)
            _childOnlyTemps.Add(whole.Index);
        Size offset = Size.Of(0);
        foreach (BoundExpression part in concat.Parts)
        {
            Size length = part.Shape.Rows!;
            Operations.Add(new ElementwiseOperation(whole with { ColumnOffset = offset }, length, Lower(part), $"part {ExpressionText.Of(part)} of {text}"));
            offset = offset.Plus(length);
        }
        return whole;
    }

    private Source Multiply(string matrix, Shape matrixShape, BoundExpression operandExpression)
    {
        Source operand = Materialize(operandExpression);
        string key = operand.Key;
        // A matrix already adjacent to another group's members cannot move; a second product
        // with it gets a group of its own (its rows are contiguous wherever they are).
        bool placed = _matrixGroup.ContainsKey(matrix);
        if (placed || !_groupsByOperand.TryGetValue(key, out ProductGroup? group))
        {
            group = new ProductGroup(Groups.Count, operand, operand.Kind == SourceKind.Input);
            Groups.Add(group);
            Operations.Add(new ProductOperation(group));
            if (!placed)
                _groupsByOperand[key] = group;
        }
        Size offset = group.TotalRows;
        group.Members.Add(new ProductMember(matrix, matrixShape.Rows!, offset, matrix));
        if (!placed)
            _matrixGroup[matrix] = group.Index;
        return new Source(SourceKind.Product, group.Index, matrix, 0, matrixShape.Rows!, false, offset, $"{matrix} @ {ExpressionText.Factor(operandExpression)}");
    }

    private List<ParameterSpec> LayoutOrder()
    {
        var order = new List<ParameterSpec>();
        var placed = new HashSet<string>();
        foreach (ProductGroup group in Groups)
        {
            foreach (ProductMember member in group.Members)
            {
                if (_matrixGroup[member.Matrix] == group.Index && placed.Add(member.Matrix))
                    order.Add(Parameter(member.Matrix));
            }
        }
        foreach (ParameterSpec parameter in _spec.Parameters)
        {
            if (placed.Add(parameter.Name))
                order.Add(parameter);
        }
        return order;
    }

    private ParameterSpec Parameter(string name)
    {
        foreach (ParameterSpec parameter in _spec.Parameters)
        {
            if (parameter.Name == name)
                return parameter;
        }
        throw new KeyNotFoundException(name);
    }

    /// <summary>True when one GEMM can use the whole group's weights: its members sit adjacent in layout order.</summary>
    public bool IsContiguous(ProductGroup group) =>
        group.Members.TrueForAll(member => _matrixGroup[member.Matrix] == group.Index) || group.Members.Count == 1;
}
