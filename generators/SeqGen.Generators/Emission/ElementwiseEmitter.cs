using System.Collections.Generic;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>
/// Emits one fused elementwise loop (forward) or its adjoint (backward): a <c>Vector&lt;T&gt;</c>
/// body and a scalar tail with the same text, over every row of the batch. Backward reads the
/// operation's own value from the tape, where the forward stored it, and recomputes inside the
/// loop only the few inner values the derivatives need, instead of storing them too.
/// </summary>
internal sealed class ElementwiseEmitter
{
    private readonly SourceAddress _address;
    private readonly ElementwiseOperation _operation;
    private readonly List<ElementNode> _nodes = new();
    private readonly List<int[]> _children = new();
    private readonly HashSet<string> _frozen;

    // Distinguishes this operation's row-level locals from those of the others fused into the same loop.
    private readonly string _p;

    public ElementwiseEmitter(SourceAddress address, ElementwiseOperation operation, HashSet<string> frozenParameters, int position = 0)
    {
        _p = "_" + CodeText.Int(position) + "_";
        _address = address;
        _operation = operation;
        _frozen = frozenParameters;
        Number(operation.Tree);
    }

    private int Root => _nodes.Count - 1;

    // Post-order numbering: children before parents, the root last.
    private int Number(ElementNode node)
    {
        int[] children = node switch
        {
            UnaryNode unary => new[] { Number(unary.Operand) },
            BinaryNode binary => new[] { Number(binary.Left), Number(binary.Right) },
            _ => System.Array.Empty<int>(),
        };
        _nodes.Add(node);
        _children.Add(children);
        return _nodes.Count - 1;
    }

    /// <summary>
    /// True when the equation evaluates a function computed through exp or log (sigmoid, tanh,
    /// softplus, silu, exp, log): tens of dependent instructions per vector, so its forward loop
    /// is best left alone with the processor's reorder window.
    /// </summary>
    public bool EvaluatesLongFunction => _nodes.Exists(node => node is UnaryNode
    {
        Function: Function.Sigmoid or Function.Tanh or Function.Softplus or Function.Exp or Function.Log or Function.Silu,
    });

    private static bool IsBroadcast(ElementNode node) => node is LeafNode { Source.IsScalar: true };

    private string Value(int id, bool vector) => _nodes[id] switch
    {
        ConstantNode => (vector ? "vc" : "c") + _p + CodeText.Int(id),
        LeafNode leaf when leaf.Source.IsScalar => (vector ? "vs" : "s") + _p + CodeText.Int(id),
        _ => "v" + CodeText.Int(id),
    };

    private string One(bool vector) => vector ? "vOne" : "sOne";

    private string Expression(int id, bool vector)
    {
        int[] c = _children[id];
        switch (_nodes[id])
        {
            case UnaryNode { Function: null }:
                return $"-{Value(c[0], vector)}";
            case UnaryNode { Function: Function.Identity }:
                return Value(c[0], vector);
            case UnaryNode unary:
                return $"{CodeText.VectorMath}.{FunctionMethod(unary.Function!.Value)}({Value(c[0], vector)})";
            case BinaryNode binary:
                return $"{Value(c[0], vector)} {binary.Operator.Symbol()} {Value(c[1], vector)}";
            default:
                throw new System.InvalidOperationException("Leaves and constants have no expression.");
        }
    }

    private static string FunctionMethod(Function function) =>
        function.Row().Method ?? throw new System.InvalidOperationException(function + " has no runtime method.");

    private string Load(int id, bool vector)
    {
        var leaf = (LeafNode)_nodes[id];
        string array = leaf.Source.Kind == SourceKind.Parameter ? SourceAddress.ParameterArray(false) : _address.Array(leaf.Source, false);
        string index = $"r{_p}{CodeText.Int(id)} + j";
        return vector ? $"new {CodeText.Vector}({array}, {index})" : $"{array}[{index}]";
    }

    /// <summary>The operation's constants, once per loop.</summary>
    public void DeclareConstants(SourceWriter writer)
    {
        for (int id = 0; id < _nodes.Count; id++)
        {
            if (_nodes[id] is ConstantNode constant)
            {
                string n = _p + CodeText.Int(id);
                writer.Line($"T c{n} = T.CreateTruncating({CodeText.Double(constant.Value)});");
                writer.Line($"var vc{n} = new {CodeText.Vector}(c{n});");
            }
        }
    }

    /// <summary>
    /// Per row: where the target and each leaf's row start, and broadcast values. A parameter's
    /// gradient index is less <paramref name="gradientShift"/>, when given: the offset of the
    /// buffer the loop's parameter gradients go to.
    /// </summary>
    public void DeclareRow(SourceWriter writer, bool backward, string? gradientShift = null)
    {
        writer.Line($"int o{_p} = {_address.TargetStart(_operation.Target, backward)};");
        if (backward && ValuesNeededByDerivatives().Contains(Root) && RootIsComputed)
            writer.Line($"int ov{_p} = {_address.TargetStart(_operation.Target, false)};");
        bool withGradients = backward;
        for (int id = 0; id < _nodes.Count; id++)
        {
            if (_nodes[id] is not LeafNode leaf)
                continue;
            Source source = leaf.Source;
            string n = _p + CodeText.Int(id);
            if (source.IsScalar)
            {
                string array = source.Kind == SourceKind.Parameter ? SourceAddress.ParameterArray(false) : _address.Array(source, false);
                writer.Line($"T s{n} = {array}[{_address.RowStart(source, false)}];");
                writer.Line($"var vs{n} = new {CodeText.Vector}(s{n});");
                if (withGradients && NeedsGradient(id))
                {
                    writer.Line($"var a{n} = {CodeText.Vector}.Zero;");
                    writer.Line($"T at{n} = T.Zero;");
                }
                continue;
            }
            if (!backward || ValuesNeededByDerivatives().Contains(id))
                writer.Line($"int r{n} = {_address.TargetStart(source, false)};");
            if (withGradients && NeedsGradient(id))
            {
                string shift = source.Kind == SourceKind.Parameter && gradientShift is not null ? " - " + gradientShift : "";
                writer.Line($"int q{n} = {_address.TargetStart(source, true)}{shift};");
            }
        }
    }

    /// <summary>The names of the parameters whose gradients the backward adds to.</summary>
    public IEnumerable<string> GradientParameters()
    {
        for (int id = 0; id < _nodes.Count; id++)
        {
            if (_nodes[id] is LeafNode { Source.Kind: SourceKind.Parameter } leaf && NeedsGradient(id))
                yield return leaf.Source.Name;
        }
    }

    public bool UsesOne()
    {
        for (int id = 0; id < _nodes.Count; id++)
        {
            if (_nodes[id] is UnaryNode { Function: { } function } && function.Row().UsesOne && NeedsGradient(_children[id][0]))
                return true;
        }
        return false;
    }

    private bool NeedsGradient(int id) => _nodes[id] switch
    {
        ConstantNode => false,
        LeafNode leaf => !(leaf.Source.Kind == SourceKind.Parameter && _frozen.Contains(leaf.Source.Name)),
        _ => System.Array.Exists(_children[id], NeedsGradient),
    };

    /// <summary>The forward of one element (or one vector of elements) of the operation.</summary>
    public void ForwardBody(SourceWriter writer, bool vector)
    {
        string targetArray = _address.Array(_operation.Target, false);
        EmitValues(writer, vector, all: true);
        writer.Line(vector
            ? $"{Value(Root, true)}.CopyTo({targetArray}, o{_p} + j);"
            : $"{targetArray}[o{_p} + j] = {Value(Root, false)};");
    }

    // The root is computed (not a bare leaf or constant), so the forward stored its value in the target.
    private bool RootIsComputed => _nodes[Root] is not (LeafNode or ConstantNode);

    private void EmitValues(SourceWriter writer, bool vector, bool all, HashSet<int>? needed = null)
    {
        for (int id = 0; id < _nodes.Count; id++)
        {
            if (!all && !needed!.Contains(id))
                continue;
            string name = Value(id, vector);
            if (!all && id == Root && RootIsComputed)
            {
                string values = _address.Array(_operation.Target, false);
                writer.Line(vector
                    ? $"var {name} = new {CodeText.Vector}({values}, ov{_p} + j); // {_operation.Target.Text}, as the forward stored it"
                    : $"var {name} = {values}[ov{_p} + j];");
                continue;
            }
            switch (_nodes[id])
            {
                case ConstantNode:
                    continue;
                case LeafNode leaf when leaf.Source.IsScalar:
                    continue;
                case LeafNode:
                    writer.Line($"var {name} = {Load(id, vector)};");
                    break;
                default:
                    writer.Line($"var {name} = {Expression(id, vector)};");
                    break;
            }
        }
    }

    /// <summary>The derivative each node passes to its operands, written in the cell language, root first.</summary>
    private IEnumerable<string> DerivativeRules()
    {
        string Text(int id) => id == Root ? _operation.Target.Text : ExpressionText.Of(_nodes[id]);
        for (int id = Root; id >= 0; id--)
        {
            if (!NeedsGradient(id) || _nodes[id] is LeafNode or ConstantNode)
                continue;
            int[] c = _children[id];
            string y = $"d[{Text(id)}]";
            string U(int k) => Text(c[k]);
            string F(int k) => ExpressionText.Factor(_nodes[c[k]]);
            var rules = new List<string>();
            void Rule(int k, string derivative)
            {
                if (NeedsGradient(c[k]))
                    rules.Add($"d[{U(k)}] += {derivative}");
            }
            string of = ExpressionText.Of(_nodes[id]);
            switch (_nodes[id])
            {
                case UnaryNode { Function: null }:
                    Rule(0, "-" + y);
                    break;
                case UnaryNode { Function: { } function }:
                    Rule(0, function.Row().Rule.Replace("{dy}", y).Replace("{f}", of).Replace("{x}", function == Function.Log ? F(0) : U(0)));
                    break;
                case BinaryNode binary:
                    switch (binary.Operator)
                    {
                        case BinaryOperator.Add:
                            Rule(0, y);
                            Rule(1, y);
                            break;
                        case BinaryOperator.Subtract:
                            Rule(0, y);
                            Rule(1, "-" + y);
                            break;
                        case BinaryOperator.Multiply:
                            Rule(0, $"{y} * {F(1)}");
                            Rule(1, $"{y} * {F(0)}");
                            break;
                        default:
                            Rule(0, $"{y} / {F(1)}");
                            Rule(1, $"-{y} * {F(0)} / {F(1)}^2");
                            break;
                    }
                    break;
            }
            if (rules.Count > 0)
                yield return string.Join("; ", rules);
        }
        foreach (ElementNode node in _nodes)
        {
            if (node is LeafNode { Source.IsScalar: true } leaf && !(leaf.Source.Kind == SourceKind.Parameter && _frozen.Contains(leaf.Source.Name)))
                yield return $"{leaf.Source.Text} is broadcast: its gradient is the sum over the row";
        }
    }

    /// <summary>True when some leaf of the operation takes a gradient, so it has a backward.</summary>
    public bool HasBackward => NeedsGradient(Root);

    /// <summary>True when the backward sums a gradient over each row (that of a broadcast value).</summary>
    public bool HasRowReductions
    {
        get
        {
            for (int id = 0; id < _nodes.Count; id++)
            {
                if (IsBroadcast(_nodes[id]) && NeedsGradient(id))
                    return true;
            }
            return false;
        }
    }

    /// <summary>The comment above the backward: the operation and the derivative rules it applies.</summary>
    public void BackwardComment(SourceWriter writer)
    {
        writer.Line($"// backward of {_operation.Comment}");
        foreach (string rule in DerivativeRules())
            writer.Line("//   " + rule);
    }

    /// <summary>The adjoint of one element (or vector) of the operation, from d(target) to its leaves.</summary>
    public void BackwardBody(SourceWriter writer, bool vector)
    {
        string targetGradient = _address.Array(_operation.Target, true);
        EmitValues(writer, vector, all: false, ValuesNeededByDerivatives());
        writer.Line(vector
            ? $"var d{CodeText.Int(Root)} = new {CodeText.Vector}({targetGradient}, o{_p} + j);"
            : $"var d{CodeText.Int(Root)} = {targetGradient}[o{_p} + j];");
        for (int id = Root; id >= 0; id--)
        {
            if (NeedsGradient(id))
                EmitAdjoint(writer, id, vector);
        }
    }

    /// <summary>After a row: broadcast leaves received a gradient per element; their own is the sum.</summary>
    public void BackwardAfterRow(SourceWriter writer)
    {
        for (int id = 0; id < _nodes.Count; id++)
        {
            if (IsBroadcast(_nodes[id]) && NeedsGradient(id))
            {
                Source source = ((LeafNode)_nodes[id]).Source;
                string array = source.Kind == SourceKind.Parameter ? SourceAddress.ParameterArray(true) : _address.Array(source, true);
                string n = _p + CodeText.Int(id);
                writer.Line($"{array}[{_address.RowStart(source, true)}] += global::System.Numerics.Vector.Sum(a{n}) + at{n};");
            }
        }
    }

    // Values that derivatives read, and everything those values are computed from.
    private HashSet<int> ValuesNeededByDerivatives()
    {
        var needed = new HashSet<int>();
        void Need(int id)
        {
            if (!needed.Add(id) || (id == Root && RootIsComputed))
                return; // the root's value is read from the tape, not recomputed from its operands
            foreach (int child in _children[id])
                Need(child);
        }
        for (int id = 0; id < _nodes.Count; id++)
        {
            if (!NeedsGradient(id))
                continue;
            int[] c = _children[id];
            switch (_nodes[id])
            {
                case BinaryNode { Operator: BinaryOperator.Multiply or BinaryOperator.Divide }:
                    Need(c[0]);
                    Need(c[1]);
                    break;
                case UnaryNode { Function: { } function } when function.Row().Reads == DerivativeReads.Value:
                    Need(id);
                    break;
                case UnaryNode { Function: { } function } when function.Row().Reads == DerivativeReads.Argument:
                    Need(c[0]);
                    break;
            }
        }
        return needed;
    }

    // Gives each child of node id its gradient, from the node's own gradient d{id}.
    private void EmitAdjoint(SourceWriter writer, int id, bool vector)
    {
        string d = "d" + CodeText.Int(id);
        int[] c = _children[id];
        string D(int child) => "d" + CodeText.Int(child);
        string V(int node) => Value(node, vector);
        string one = One(vector);
        void Give(int child, string expression)
        {
            if (NeedsGradient(child))
                writer.Line($"var {D(child)} = {expression};");
        }
        switch (_nodes[id])
        {
            case LeafNode leaf:
                EmitLeafGradient(writer, id, leaf.Source, d, vector);
                break;
            case UnaryNode { Function: null }:
                Give(c[0], $"-{d}");
                break;
            case UnaryNode { Function: { } function }:
                Give(c[0], function.Row().Derivative
                    .Replace("{d}", d).Replace("{y}", V(id)).Replace("{x}", V(c[0])).Replace("{one}", one).Replace("{math}", CodeText.VectorMath));
                break;
            case BinaryNode binary:
                switch (binary.Operator)
                {
                    case BinaryOperator.Add:
                        Give(c[0], d);
                        Give(c[1], d);
                        break;
                    case BinaryOperator.Subtract:
                        Give(c[0], d);
                        Give(c[1], $"-{d}");
                        break;
                    case BinaryOperator.Multiply:
                        Give(c[0], $"{d} * {V(c[1])}");
                        Give(c[1], $"{d} * {V(c[0])}");
                        break;
                    default:
                        Give(c[0], $"{d} / {V(c[1])}");
                        Give(c[1], $"-{d} * {V(c[0])} / ({V(c[1])} * {V(c[1])})");
                        break;
                }
                break;
        }
    }

    private void EmitLeafGradient(SourceWriter writer, int id, Source source, string d, bool vector)
    {
        string n = _p + CodeText.Int(id);
        if (source.IsScalar)
        {
            writer.Line(vector ? $"a{n} += {d};" : $"at{n} += {d};");
            return;
        }
        string array = source.Kind == SourceKind.Parameter ? SourceAddress.ParameterArray(true) : _address.Array(source, true);
        writer.Line(vector
            ? $"{CodeText.VectorMath}.AddTo({array}, q{n} + j, {d});"
            : $"{array}[q{n} + j] += {d};");
    }
}
