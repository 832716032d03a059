using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>
/// Where a <see cref="Source"/> (or its gradient) lives in the workspace: the array and the index
/// of row <c>b</c> at step <c>t</c>. Values of every step stay on the tape; gradients of
/// intermediates and temps are kept for the current step only, while those of states, inputs and
/// products are kept for all steps (states feed later reads, products the weight-gradient GEMMs).
/// </summary>
internal sealed class SourceAddress(CellSpec spec, StepPlan plan)
{
    public bool Recurrent => spec.Kind == CellKind.Recurrent;

    /// <summary>How many past values state <paramref name="state"/> keeps before step 0.</summary>
    public int Lead(int state) => System.Math.Max(1, spec.States[state].MaxLag);

    public string Array(Source source, bool gradient) => (gradient ? "ws.d" : "ws.") + source.Kind switch
    {
        SourceKind.Parameter => throw new System.InvalidOperationException("Parameters live in the cell's buffers."),
        SourceKind.Input => Input(source.Index),
        SourceKind.PreviousState or SourceKind.NewState when Recurrent => History(source.Index),
        SourceKind.NewState => New(source.Index),
        SourceKind.ChildState => Child(source.Index, source.Lag),
        SourceKind.Intermediate => Intermediate(source.Index),
        SourceKind.Temp => Temp(source.Index),
        _ => Product(plan.Groups[source.Index]),
    };

    // The workspace's buffers are named after what they hold; a gradient's name is "d" + its
    // value's. Prefixes keep them apart from each other (names of inputs, states and
    // intermediates are distinct) and from the workspace's own members.

    /// <summary>Input i, every step.</summary>
    public string Input(int input) => "Input_" + spec.Inputs[input].Name;

    /// <summary>A recurrent state's history: the lead (initial and lagged values), then every step.</summary>
    public string History(int state) => "History_" + spec.States[state].Name;

    public string Initial(int state) => "Initial_" + spec.States[state].Name;

    public string Final(int state) => "Final_" + spec.States[state].Name;

    /// <summary>A recursive cell's new state of each node.</summary>
    public string New(int state) => "New_" + spec.States[state].Name;

    /// <summary>The gradient of a new state as the caller gave it (backward works on a copy).</summary>
    public string CallerNewGradient(int state) => "dNewFromCaller_" + spec.States[state].Name;

    public string Child(int state, int child) => "Child" + CodeText.Int(child) + "_" + spec.States[state].Name;

    public string Intermediate(int intermediate) => "Value_" + plan.Intermediates[intermediate].Name;

    /// <summary>A sub-expression the step computes and a product reads (such as r * h).</summary>
    public string Temp(int temp) => "Temp" + CodeText.Int(temp);

    /// <summary>
    /// The output of a group of products, named by the vector they multiply (and by the group's
    /// number when another group multiplies the same vector, as when a matrix is used twice).
    /// </summary>
    public string Product(ProductGroup group) => "Product" + GroupName(group);

    /// <summary>The group's weights as the runtime lays them out for a pass.</summary>
    public string Prepared(ProductGroup group) => "Weights" + GroupName(group);

    private string GroupName(ProductGroup group)
    {
        string name = OperandName(group.Operand);
        foreach (ProductGroup other in plan.Groups)
        {
            if (other.Index != group.Index && OperandName(other.Operand) == name)
                return name + "_" + CodeText.Int(group.Index);
        }
        return name;
    }

    private static string OperandName(Source operand) => operand.Kind switch
    {
        SourceKind.PreviousState when operand.Lag > 1 => "Lag" + CodeText.Int(operand.Lag) + "_" + operand.Name,
        SourceKind.NewState => "New_" + operand.Name,
        SourceKind.ChildState => "Child" + CodeText.Int(operand.Lag) + "_" + operand.Name,
        SourceKind.Temp => "Temp" + CodeText.Int(operand.Index),
        _ => "_" + operand.Name,
    };

    /// <summary>Index of element 0 of row <paramref name="row"/> at step <paramref name="step"/>.</summary>
    public string RowStart(Source source, bool gradient, string step = "t", string row = "b")
    {
        string length = CodeText.Size(source.Length);
        // Row `row` of step `step` (shifted by the history's lead for a state), times the row length.
        string Row(string at) => CodeText.Plus(CodeText.Times(at, "B"), row);
        switch (source.Kind)
        {
            case SourceKind.Parameter:
                return "_o_" + source.Name;
            case SourceKind.PreviousState when Recurrent:
                return CodeText.Times(Row(CodeText.Plus(step, CodeText.Int(Lead(source.Index) - source.Lag))), length);
            case SourceKind.NewState when Recurrent:
                return CodeText.Times(Row(CodeText.Plus(step, CodeText.Int(Lead(source.Index)))), length);
            case SourceKind.NewState:
            case SourceKind.ChildState:
                return CodeText.Times(row, length);
            case SourceKind.Intermediate:
            case SourceKind.Temp:
                return CodeText.Times(gradient ? row : Row(step), length);
            case SourceKind.Product:
                return CodeText.Times(Row(step), CodeText.Size(plan.Groups[source.Index].TotalRows));
            default:
                return CodeText.Times(Row(step), length);
        }
    }

    /// <summary>Row start plus the column offset: of a product within its group's output, or of a part within its concatenation.</summary>
    public string TargetStart(Source target, bool gradient)
    {
        string start = RowStart(target, gradient);
        string offset = CodeText.Size(target.ColumnOffset);
        return offset == "0" ? start : $"{start} + {offset}";
    }

    /// <summary>The parameter buffer or the gradient buffer.</summary>
    public static string ParameterArray(bool gradient) => gradient ? "Gr" : "P";
}
