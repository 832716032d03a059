using System.Collections.Generic;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

internal sealed partial class CellAnalyzer
{
    private void ReportUnusedNames(Equation?[] equations)
    {
        for (int i = 0; i < equations.Length; i++)
        {
            if (equations[i] is { IsNewState: false } equation && !_used.Contains(equation.Target)
                && _definitions.TryGetValue(equation.Target, out Definition? definition) && definition.Equation == i)
            {
                Report(ProblemCode.UnusedIntermediate, ProblemOrigin.Equation, i, equation.TargetRange, equation.Target);
            }
        }
        foreach (NamedRange input in _inputs)
        {
            if (!_used.Contains(input.Name))
            {
                // A defaulted input has no text of its own: the warning goes on the attribute.
                var origin = _cell.Inputs is null ? ProblemOrigin.CellAttribute : ProblemOrigin.Inputs;
                Report(ProblemCode.UnusedInput, origin, 0, _cell.Inputs is null ? default : input.Range, input.Name);
            }
        }
    }

    private string ResolveOutput(bool hasSyntaxErrors)
    {
        if (_cell.Output is { } output && output.Trim().Length > 0)
        {
            string name = output.Trim();
            if (!IsState(name))
            {
                Report(ProblemCode.InvalidOutput, ProblemOrigin.Output, 0, Whole(output), name,
                    _stateOrder.Count == 0 ? "none" : string.Join(", ", _stateOrder));
            }
            return name;
        }
        if (_stateOrder.Count == 0)
        {
            if (!hasSyntaxErrors)
                Report(ProblemCode.NoState, ProblemOrigin.ClassName, 0, default);
            return "";
        }
        return _stateOrder.Contains("h") ? "h" : _stateOrder[0];
    }

    private CellSpec BuildSpec(Equation?[] equations, TypedNode?[] values, string output)
    {
        var states = new List<StateSpec>();
        foreach (string state in _stateOrder)
        {
            _maxLag.TryGetValue(state, out int lag);
            states.Add(new StateSpec(state, _sizeOf[state], lag));
        }
        var inputs = new List<InputSpec>();
        foreach (NamedRange input in _inputs)
            inputs.Add(new InputSpec(input.Name, _sizeOf[input.Name]));
        var specs = new List<EquationSpec>();
        for (int i = 0; i < equations.Length; i++)
        {
            Equation equation = equations[i]!;
            specs.Add(new EquationSpec(equation.Target, equation.IsNewState, _cell.Equations[i].Trim(), values[i]!.Resolve()));
        }
        return new CellSpec(
            _cell.Kind,
            Recurrent ? 0 : _cell.Arity,
            _sizeSymbols.ToEquatableArray(),
            inputs.ToEquatableArray(),
            states.ToEquatableArray(),
            BuildParameters().ToEquatableArray(),
            specs.ToEquatableArray(),
            output);
    }
}
