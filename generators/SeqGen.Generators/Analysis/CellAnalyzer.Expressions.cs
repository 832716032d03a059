using System.Collections.Generic;
using System.Globalization;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

internal sealed partial class CellAnalyzer
{
    private TypedNode CheckEquation(Equation equation)
    {
        TypedNode value = Check(equation.Value);
        if (!_definitions.TryGetValue(equation.Target, out Definition? definition) || definition.Equation != _equation)
            return value; // a second definition of the name, already reported

        if (equation.IsNewState)
        {
            var target = new VectorType(new SizeVariable(_sizeOf[equation.Target]));
            bool fits = value.Type switch
            {
                VectorType vector => SizeVariable.Unify(vector.Length, target.Length),
                ErrorType => true,
                _ => false,
            };
            if (!fits)
            {
                ReportInEquation(ProblemCode.EquationShapeMismatch, equation.Value.Range,
                    equation.Target + "'", target.Describe(), value.Type.Describe());
            }
            _newStates.Add(equation.Target);
        }
        else
        {
            _intermediates[equation.Target] = value.Type;
        }
        return value;
    }

    private TypedNode Check(Expression expression)
    {
        switch (expression)
        {
            case NumberExpression number:
                return new LiteralNode(number.Value);
            case NameExpression name:
                return CheckName(name);
            case CallExpression call:
                return CheckCall(call);
            case NegateExpression negate:
            {
                TypedNode operand = Check(negate.Operand);
                return operand is ErrorNode ? operand : new NegateNode(operand);
            }
            case BinaryExpression { Operator: BinaryOperator.MatrixProduct } product:
                return CheckMatrixProduct(product);
            case BinaryExpression binary:
                return CheckElementwise(binary);
            case ConcatExpression concat:
                return CheckConcat(concat);
            default:
                throw new System.InvalidOperationException("Unknown syntax node " + expression.GetType().Name);
        }
    }

    private TypedNode CheckName(NameExpression name)
    {
        string id = name.Name;
        _used.Add(id);
        if (name.IsNewState)
            return CheckNewState(name);
        if (name.Index is { Kind: NameIndexKind.Lag } lag)
            return CheckLag(name, lag);
        if (name.Index is { Kind: NameIndexKind.Child } child)
            return CheckChild(name, child);

        if (IsInput(id))
            return new ValueNode(ValueKind.Input, id, 0, new VectorType(new SizeVariable(_sizeOf[id])));
        if (_definitions.TryGetValue(id, out Definition? definition))
        {
            if (definition.Broken)
                return ErrorNode.Instance;
            if (definition.IsState)
            {
                if (!Recurrent)
                {
                    ReportInEquation(ProblemCode.InvalidChildIndex, name.Range, id,
                        $"a RecursiveCell has no previous state: read a child's state as {id}[0] … {id}[{_cell.Arity - 1}]");
                    return ErrorNode.Instance;
                }
                NoteLag(id, 1);
                return new ValueNode(ValueKind.PreviousState, id, 1, StateType(id));
            }
            if (_intermediates.TryGetValue(id, out ValueType? type))
                return type is ErrorType ? ErrorNode.Instance : new ValueNode(ValueKind.Intermediate, id, 0, type);
            ReportInEquation(ProblemCode.UsedBeforeDefinition, name.Range, id, Ordinal(definition.Equation));
            return ErrorNode.Instance;
        }
        ValueType parameter = ParameterType(id, asMatrix: false, name.Range);
        return parameter is ErrorType ? ErrorNode.Instance : new ValueNode(ValueKind.Parameter, id, 0, parameter);
    }

    private VectorType StateType(string state) => new(new SizeVariable(_sizeOf[state]));

    private TypedNode CheckNewState(NameExpression name)
    {
        string id = name.Name;
        if (!IsState(id))
        {
            ReportInEquation(ProblemCode.NotAState, name.Range, id, DescribeNonState(id));
            return ErrorNode.Instance;
        }
        if (_definitions[id].Broken)
            return ErrorNode.Instance;
        if (!_newStates.Contains(id))
        {
            ReportInEquation(ProblemCode.NewStateUsedBeforeDefinition, name.Range, id, Ordinal(_definitions[id].Equation));
            return ErrorNode.Instance;
        }
        return new ValueNode(ValueKind.NewState, id, 0, StateType(id));
    }

    private string DescribeNonState(string id) =>
        IsInput(id) ? "an input" : _definitions.ContainsKey(id) ? "an intermediate" : "a parameter";

    private TypedNode CheckLag(NameExpression name, NameIndex lag)
    {
        string id = name.Name;
        string? why = null;
        if (!Recurrent)
            why = $"lags exist only in a RecurrentCell; in a RecursiveCell read child k as {id}[k]";
        else if (!IsState(id))
            why = $"only states have past values, and '{id}' is {DescribeNonState(id)}";
        else if (lag.Value < 1)
            why = $"{id}[t] is the value being computed: write {id}' for the new value or {id} for the previous one";
        else if (lag.Value > MaxLag)
            why = $"a lag is at most {MaxLag.ToString(CultureInfo.InvariantCulture)} steps";
        if (why is not null)
        {
            ReportInEquation(ProblemCode.InvalidLag, name.Range, id, why);
            return ErrorNode.Instance;
        }
        if (_definitions[id].Broken)
            return ErrorNode.Instance;
        NoteLag(id, lag.Value);
        return new ValueNode(ValueKind.PreviousState, id, lag.Value, StateType(id));
    }

    private void NoteLag(string state, int lag)
    {
        _maxLag.TryGetValue(state, out int max);
        if (lag > max)
            _maxLag[state] = lag;
    }

    private TypedNode CheckChild(NameExpression name, NameIndex child)
    {
        string id = name.Name;
        string? why = null;
        if (Recurrent)
            why = $"child states exist only in a RecursiveCell; for a past value write {id}[t-d]";
        else if (!IsState(id))
            why = $"only states have child values, and '{id}' is {DescribeNonState(id)}";
        else if (child.Value >= _cell.Arity)
            why = $"child index {child.Value.ToString(CultureInfo.InvariantCulture)} is out of range: Arity is {_cell.Arity.ToString(CultureInfo.InvariantCulture)}, so indices run from 0 to {(_cell.Arity - 1).ToString(CultureInfo.InvariantCulture)}";
        if (why is not null)
        {
            ReportInEquation(ProblemCode.InvalidChildIndex, name.Range, id, why);
            return ErrorNode.Instance;
        }
        if (_definitions[id].Broken)
            return ErrorNode.Instance;
        return new ValueNode(ValueKind.ChildState, id, child.Value, StateType(id));
    }

    private TypedNode CheckCall(CallExpression call)
    {
        TypedNode argument = Check(call.Argument);
        if (!Functions.TryLookup(call.Function, out Function function))
        {
            ReportInEquation(ProblemCode.UnknownFunction, call.FunctionRange, call.Function, Functions.AllNames);
            return ErrorNode.Instance;
        }
        if (argument is ErrorNode)
            return argument;
        if (!function.IsElementwise() && argument.Type is not VectorType)
        {
            ReportInEquation(ProblemCode.FunctionArgumentShape, call.Range, function.Name(), argument.Type.Describe());
            return ErrorNode.Instance;
        }
        return new CallNode(function, argument, argument.Type);
    }

    private TypedNode CheckElementwise(BinaryExpression binary)
    {
        TypedNode left = Check(binary.Left);
        TypedNode right = Check(binary.Right);
        if (left is ErrorNode || right is ErrorNode)
            return ErrorNode.Instance;
        ValueType type;
        if (left.Type is VectorType a && right.Type is VectorType b)
        {
            if (!SizeVariable.Unify(a.Length, b.Length))
            {
                ReportInEquation(ProblemCode.ElementwiseShapeMismatch, binary.Range,
                    Snippet(binary.Range), Snippet(binary.Left.Range), a.Describe() + Origin(binary.Left), Snippet(binary.Right.Range), b.Describe() + Origin(binary.Right));
                return ErrorNode.Instance;
            }
            type = a;
        }
        else
        {
            // A scalar broadcasts over the other operand.
            type = left.Type is ScalarType ? right.Type : left.Type;
        }
        return new BinaryNode(binary.Operator, left, right, type);
    }

    private TypedNode CheckMatrixProduct(BinaryExpression product)
    {
        MatrixType? matrix = null;
        if (product.Left is NameExpression { IsNewState: false, Index: null } name && IsParameterName(name.Name))
        {
            _used.Add(name.Name);
            matrix = ParameterType(name.Name, asMatrix: true, name.Range) as MatrixType;
            if (matrix is null)
            {
                Check(product.Right);
                return ErrorNode.Instance;
            }
        }
        else
        {
            TypedNode left = Check(product.Left);
            if (left is not ErrorNode)
            {
                ReportInEquation(ProblemCode.NotAMatrix, product.Left.Range,
                    Describe(product.Left), left.Type.Describe());
            }
            Check(product.Right);
            return ErrorNode.Instance;
        }

        TypedNode right = Check(product.Right);
        if (right is ErrorNode)
            return right;
        if (right.Type is not VectorType vector || !SizeVariable.Unify(matrix.Columns, vector.Length))
        {
            ReportInEquation(ProblemCode.MatrixProductShapeMismatch, product.Range,
                Snippet(product.Range), name.Name, matrix.Describe(), FirstUse(name.Name, name.Range), Snippet(product.Right.Range), right.Type.Describe() + Origin(product.Right));
            return ErrorNode.Instance;
        }
        var leftNode = new ValueNode(ValueKind.Parameter, name.Name, 0, matrix);
        return new BinaryNode(BinaryOperator.MatrixProduct, leftNode, right, new VectorType(matrix.Rows));
    }

    private bool IsParameterName(string name) => !IsInput(name) && !_definitions.ContainsKey(name);

    private static string Describe(Expression expression) => expression switch
    {
        NameExpression name => "'" + name.Name + (name.IsNewState ? "'" : "") + "'",
        NumberExpression number => "the number " + number.Text,
        _ => "an expression",
    };

    private TypedNode CheckConcat(ConcatExpression concat)
    {
        var parts = new List<TypedNode>();
        var lengths = new List<SizeVariable>();
        bool failed = false;
        for (int i = 0; i < concat.Parts.Count; i++)
        {
            TypedNode part = Check(concat.Parts[i]);
            parts.Add(part);
            if (part is ErrorNode)
            {
                failed = true;
            }
            else if (part.Type is VectorType vector)
            {
                lengths.Add(vector.Length);
            }
            else
            {
                ReportInEquation(ProblemCode.ConcatenationShapeMismatch, concat.Parts[i].Range,
                    $"part {(i + 1).ToString(CultureInfo.InvariantCulture)} is {part.Type.Describe()}, and only vectors can be joined");
                failed = true;
            }
        }
        if (failed)
            return ErrorNode.Instance;
        var result = new SizeVariable();
        var sum = new SumConstraint(result, lengths, _equation, concat.Range);
        if (sum.TrySettle() is null)
            _sums.Add(sum);
        return new ConcatNode(parts, new VectorType(result));
    }

    /// <summary>
    /// Concatenations whose parts were unknown when checked are settled once everything else is
    /// known, repeating while any of them makes progress (one may tell another a length).
    /// </summary>
    private void SettleConcatenations()
    {
        bool progress = true;
        while (progress && _sums.Count > 0)
        {
            _cancellation.ThrowIfCancellationRequested();
            progress = false;
            for (int i = _sums.Count - 1; i >= 0; i--)
            {
                SumConstraint sum = _sums[i];
                bool? settled = sum.TrySettle();
                if (settled is null)
                    continue;
                if (settled == false)
                {
                    Report(ProblemCode.ConcatenationShapeMismatch, ProblemOrigin.Equation, sum.Equation, sum.Range,
                        $"its parts add up to a length other than the {sum.Result} it is used as");
                }
                _sums.RemoveAt(i);
                progress = true;
            }
        }
        foreach (SumConstraint sum in _sums)
            sum.Result.Poisoned = true;
    }
}
