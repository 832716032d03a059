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
        SourceKind.Input => "In" + CodeText.Int(source.Index),
        SourceKind.PreviousState or SourceKind.NewState when Recurrent => "S" + CodeText.Int(source.Index),
        SourceKind.NewState => "N" + CodeText.Int(source.Index),
        SourceKind.ChildState => "C" + CodeText.Int(source.Index) + "_" + CodeText.Int(source.Lag),
        SourceKind.Intermediate => "E" + CodeText.Int(source.Index),
        SourceKind.Temp => "X" + CodeText.Int(source.Index),
        _ => "G" + CodeText.Int(source.Index),
    };

    /// <summary>Index of element 0 of row <paramref name="row"/> at step <paramref name="step"/>.</summary>
    public string RowStart(Source source, bool gradient, string step = "t", string row = "b")
    {
        string length = CodeText.Size(source.Length);
        string perStep = $"({step} * B + {row})";
        switch (source.Kind)
        {
            case SourceKind.Parameter:
                return "_o_" + source.Name;
            case SourceKind.PreviousState when Recurrent:
                return $"(({step} + {CodeText.Int(Lead(source.Index) - source.Lag)}) * B + {row}) * {length}";
            case SourceKind.NewState when Recurrent:
                return $"(({step} + {CodeText.Int(Lead(source.Index))}) * B + {row}) * {length}";
            case SourceKind.NewState:
            case SourceKind.ChildState:
                return $"{row} * {length}";
            case SourceKind.Intermediate:
            case SourceKind.Temp:
                return gradient ? $"{row} * {length}" : $"{perStep} * {length}";
            case SourceKind.Product:
                return $"{perStep} * {CodeText.Size(plan.Groups[source.Index].TotalRows)}";
            default:
                return $"{perStep} * {length}";
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
