using System.Collections.Generic;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

internal sealed partial class CellAnalyzer
{
    private sealed record ParamOverride(int Index, ParamDeclaration Declaration, Shape? Shape, InitSpec Init);

    /// <summary>A parameter's type, fixed by its first use (or its <c>[Param]</c>), and where it was first used.</summary>
    private sealed record ParamUse(ValueType Type, int Equation, TextRange Range);

    private void ReadParamOverrides()
    {
        for (int i = 0; i < _cell.Params.Count; i++)
        {
            ParamDeclaration declaration = _cell.Params[i];
            string name = declaration.Name ?? "";
            if (_overrides.ContainsKey(name))
            {
                Report(ProblemCode.ParamNamesNothing, ProblemOrigin.ParamName, i, Whole(name), name,
                    "already overridden by an earlier [Param]");
                continue;
            }
            Shape? shape = declaration.Shape is { } shapeText ? ReadShape(shapeText, i) : null;
            InitSpec init = InitSpec.Default;
            if (declaration.Init is { } initText)
            {
                init = OptionParsers.ParseInit(initText, out OptionError? error) ?? InitSpec.Default;
                if (error is not null)
                    Report(ProblemCode.InvalidInit, ProblemOrigin.ParamInit, i, error.Range, name, error.Message);
            }
            _overrides[name] = new ParamOverride(i, declaration, shape, init);
        }
    }

    private Shape? ReadShape(string text, int index)
    {
        string name = _cell.Params[index].Name ?? "";
        ShapeText? shape = OptionParsers.ParseShape(text, out OptionError? error);
        if (error is not null)
        {
            Report(ProblemCode.InvalidShape, ProblemOrigin.ParamShape, index, error.Range, name, error.Message);
            return null;
        }
        foreach (NamedRange symbol in shape!.Symbols)
        {
            if (!IsSizeSymbol(symbol.Name))
            {
                Report(ProblemCode.InvalidShape, ProblemOrigin.ParamShape, index, symbol.Range, name,
                    $"'{symbol.Name}' is not a size symbol of this cell (known: {SizeSymbolList()})");
                return null;
            }
        }
        return shape.Shape;
    }

    /// <summary>
    /// The type of a parameter read as a matrix (the left of <c>@</c>) or as a vector (anywhere
    /// else). Its first use decides; a later use of the other kind is an error.
    /// </summary>
    private ValueType ParameterType(string name, bool asMatrix, TextRange range)
    {
        if (!_parameters.TryGetValue(name, out ParamUse? use))
        {
            use = new ParamUse(NewParameterType(name, asMatrix), _equation, range);
            _parameters[name] = use;
            _parameterOrder.Add(name);
        }
        bool isMatrix = use.Type is MatrixType;
        if (isMatrix == asMatrix)
            return use.Type; // a scalar or vector read as a vector, or a matrix read as a matrix
        string was = _overrides.TryGetValue(name, out ParamOverride? o) && o.Shape is not null
            ? "declared " + o.Shape
            : (isMatrix ? "a matrix" : "a vector") + " in equation " + Ordinal(use.Equation);
        ReportInEquation(ProblemCode.ParameterKindConflict, range, name, asMatrix ? "a matrix" : "a vector", was);
        return ErrorType.Instance;
    }

    private ValueType NewParameterType(string name, bool asMatrix)
    {
        if (_overrides.TryGetValue(name, out ParamOverride? o) && o.Shape is { } declared)
        {
            return declared.Kind switch
            {
                ShapeKind.Scalar => ScalarType.Instance,
                ShapeKind.Vector => new VectorType(new SizeVariable(declared.Rows)),
                _ => new MatrixType(new SizeVariable(declared.Rows), new SizeVariable(declared.Columns)),
            };
        }
        return asMatrix ? new MatrixType(new SizeVariable(), new SizeVariable()) : new VectorType(new SizeVariable());
    }

    private static bool IsResolved(ValueType type, out bool poisoned)
    {
        poisoned = false;
        switch (type)
        {
            case VectorType vector:
                poisoned = vector.Length.Poisoned;
                return vector.Length.Value is not null;
            case MatrixType matrix:
                poisoned = matrix.Rows.Poisoned || matrix.Columns.Poisoned;
                return matrix.Rows.Value is not null && matrix.Columns.Value is not null;
            default:
                return true;
        }
    }

    private void ReportUninferredShapes()
    {
        // A parameter whose length depends on an unsettled concatenation is reported only when
        // no other parameter explains the gap; either way an unresolved cell never passes.
        foreach (bool includePoisoned in new[] { false, true })
        {
            bool reported = false;
            foreach (string name in _parameterOrder)
            {
                ParamUse use = _parameters[name];
                if (IsResolved(use.Type, out bool poisoned) || poisoned && !includePoisoned)
                    continue;
                Report(ProblemCode.ShapeNotInferred, ProblemOrigin.Equation, use.Equation, use.Range, name, use.Type.Describe());
                reported = true;
            }
            if (reported)
                return;
        }
    }

    private void CheckInitializers()
    {
        foreach (var pair in _overrides)
        {
            ParamOverride o = pair.Value;
            string name = pair.Key;
            if (!_parameters.TryGetValue(name, out ParamUse? use))
            {
                string what = IsInput(name) ? "an input"
                    : _definitions.TryGetValue(name, out Definition? d) ? (d.IsState ? "a state" : "an intermediate")
                    : "not used in any equation";
                Report(ProblemCode.ParamNamesNothing, ProblemOrigin.ParamName, o.Index, Whole(name), name, what);
                continue;
            }
            if (o.Init.Kind is InitKind.Orthogonal or InitKind.Xavier && use.Type is not MatrixType && use.Type is not ErrorType)
            {
                Report(ProblemCode.InvalidInit, ProblemOrigin.ParamInit, o.Index, Whole(o.Declaration.Init), name,
                    $"{o.Init} initialises matrices, and '{name}' is {use.Type.Describe()}");
            }
        }
    }

    private List<ParameterSpec> BuildParameters()
    {
        var parameters = new List<ParameterSpec>();
        foreach (string name in _parameterOrder)
        {
            InitSpec init = InitSpec.Default;
            bool trainable = true;
            if (_overrides.TryGetValue(name, out ParamOverride? o))
            {
                init = o.Init;
                trainable = o.Declaration.Trainable;
            }
            parameters.Add(new ParameterSpec(name, TypedNode.Resolve(_parameters[name].Type), init, trainable));
        }
        return parameters;
    }

    /// <summary>A parameter named like a member of the generated class gets no named view: say so where it is first used.</summary>
    private void ReportHiddenParameters()
    {
        foreach (string name in _parameterOrder)
        {
            if (GeneratedMembers.Takes(name, _cell.ClassName))
            {
                ParamUse use = _parameters[name];
                Report(ProblemCode.HiddenParameter, ProblemOrigin.Equation, use.Equation, use.Range, name,
                    name == _cell.ClassName ? "the class itself" : "a member of the generated cell");
            }
        }
    }
}
