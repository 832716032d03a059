using System.Collections.Generic;
using System.Text;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>
/// Describes a checked cell as text — states, inputs, sizes, every parameter's inferred shape and
/// initialiser, each equation's shape — for the generated <c>ModelSummary</c> constant.
/// </summary>
internal static class SummaryEmitter
{
    /// <summary>A stable, human-readable description of a checked cell.</summary>
    public static string Describe(CellSpec spec)
    {
        var text = new StringBuilder();
        text.Append(spec.Kind == CellKind.Recurrent ? "RecurrentCell" : "RecursiveCell");
        if (spec.Kind == CellKind.Recursive)
            text.Append(" arity ").Append(spec.Arity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        text.Append('\n');
        text.Append("sizes:");
        foreach (SizeSymbol symbol in spec.SizeSymbols)
            text.Append(' ').Append(symbol.Name).Append(" (").Append(symbol.ArgumentName).Append(')');
        text.Append('\n');
        foreach (InputSpec input in spec.Inputs)
            text.Append("input ").Append(input.Name).Append(": vector[").Append(input.Size).Append("]\n");
        foreach (StateSpec state in spec.States)
        {
            text.Append("state ").Append(state.Name).Append(": vector[").Append(state.Size).Append(']');
            if (state.MaxLag > 1)
                text.Append(" lag ").Append(state.MaxLag.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (state.Name == spec.Output)
                text.Append(" (output)");
            text.Append('\n');
        }
        foreach (ParameterSpec parameter in spec.Parameters)
        {
            text.Append("param ").Append(parameter.Name).Append(": ").Append(parameter.Shape)
                .Append(" init ").Append(parameter.Init);
            if (!parameter.Trainable)
                text.Append(" fixed");
            text.Append('\n');
        }
        for (int i = 0; i < spec.Equations.Count; i++)
        {
            EquationSpec equation = spec.Equations[i];
            text.Append(equation.Text).Append("  : ").Append(equation.Value.Shape);
            if (i < spec.Equations.Count - 1)
                text.Append('\n');
        }
        return text.ToString();
    }
}
