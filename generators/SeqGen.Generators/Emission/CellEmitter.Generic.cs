using System.Collections.Generic;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

internal sealed partial class CellEmitter
{
    private string Accessibility => _model.Accessibility;

    private string BaseType => Recurrent
        ? "global::SeqGen.Model.RecurrentCellBase<T>"
        : "global::SeqGen.Model.RecursiveCellBase<T>";

    private void EmitGenericClass()
    {
        _w.Line($"/// <summary>The cell {_model.Name} in float or double, generated from its equations.</summary>");
        _w.Line(Attribute);
        using (_w.Block($"{Accessibility} class {Generic} : {BaseType} {Constraint}"))
        {
            EmitFields();
            EmitConstructor();
            EmitLayout();
            EmitParameterViews();
            EmitMetadata();
            EmitWorkspace();
            if (Recurrent)
            {
                EmitStream();
                EmitRecurrentEntryPoints();
            }
            else
            {
                EmitRecursiveEntryPoints();
            }
            _w.Line();
            _w.Line("private void ForwardStep(Workspace ws, int t, int B)");
            using (_w.Block(""))
            {
                _w.Line("T[] P = Parameters;");
                _steps.EmitForwardStep(_w);
            }
            if (Recurrent && _plan.SummedProducts is { } summed)
            {
                _w.Line();
                _w.Line("// A stream's step: as ForwardStep, with the input product summed into the recurrent one.");
                _w.Line("private void SummedForwardStep(Workspace ws, int t, int B)");
                using (_w.Block(""))
                {
                    _w.Line("T[] P = Parameters;");
                    _steps.EmitForwardStep(_w, summed);
                }
            }
            _w.Line();
            _w.Line("private void BackwardStep(Workspace ws, int t, int B)");
            using (_w.Block(""))
            {
                _w.Line("T[] P = Parameters;");
                _w.Line("T[] Gr = Gradients;");
                _steps.EmitBackwardStep(_w);
            }
            _steps.EmitColumnRunMethods(_w);
            _steps.EmitSecondHalfRange(_w);
        }
    }

    /// <summary>A view per parameter, named as in the equations (unless that name is taken).</summary>
    private void EmitParameterViews()
    {
        foreach (ParameterSpec parameter in _plan.ParameterOrder)
        {
            if (GeneratedMembers.Takes(parameter.Name, _model.Name))
                continue;
            string rows = parameter.Shape.Kind == ShapeKind.Scalar ? "1" : CodeText.Size(parameter.Shape.Rows!);
            string columns = parameter.Shape.Kind == ShapeKind.Matrix ? CodeText.Size(parameter.Shape.Columns!) : "1";
            _w.Line($"/// <summary>Parameter {parameter.Name}, {parameter.Shape} (row-major).</summary>");
            _w.Line($"public global::System.Span<T> {CodeText.Identifier(parameter.Name)} => Parameters.AsSpan(_o_{parameter.Name}, {CodeText.Times(rows, columns)});");
        }
        _w.Line();
    }

    private void EmitFields()
    {
        foreach (SizeSymbol symbol in _spec.SizeSymbols)
            _w.Line($"private readonly int {CodeText.SizeField(symbol.Name)};");
        foreach (ParameterSpec parameter in _plan.ParameterOrder)
            _w.Line($"private readonly int _o_{parameter.Name};");
        _w.Line();
    }

    private void EmitConstructor()
    {
        var sizeArguments = new List<string>();
        foreach (SizeSymbol symbol in _spec.SizeSymbols)
            sizeArguments.Add(CodeText.Identifier(symbol.ArgumentName));
        _w.Line("/// <summary>Creates the cell with parameters initialised deterministically from <paramref name=\"seed\"/>.</summary>");
        _w.Line($"public {_model.Name}({string.Join(", ", ConstructorParameters())})");
        _w.Line($"    : base(Layout({string.Join(", ", sizeArguments)}))");
        using (_w.Block(""))
        {
            foreach (SizeSymbol symbol in _spec.SizeSymbols)
                _w.Line($"{CodeText.SizeField(symbol.Name)} = {CodeText.Identifier(symbol.ArgumentName)};");
            for (int i = 0; i < _plan.ParameterOrder.Count; i++)
                _w.Line($"_o_{_plan.ParameterOrder[i].Name} = ParameterInfos[{CodeText.Int(i)}].Offset;");
            _w.Line("var random = new global::SeqGen.Numerics.SeededRandom(seed);");
            string hidden = CodeText.Size(OutputStateSize());
            _w.Line($"double bound = 1.0 / global::System.Math.Sqrt({hidden});");
            foreach (ParameterSpec parameter in _spec.Parameters)
                _w.Line(InitializerCall(parameter));
            foreach (ParameterSpec fixedScalar in FixedScalars())
            {
                string name = CodeText.Identifier(fixedScalar.Name);
                _w.Line($"if ({name} is double {fixedScalar.Name}Value) Parameters[_o_{fixedScalar.Name}] = T.CreateChecked({fixedScalar.Name}Value);");
            }
        }
        _w.Line();
    }

    private Size OutputStateSize()
    {
        foreach (StateSpec state in _spec.States)
        {
            if (state.Name == _spec.Output)
                return state.Size;
        }
        return _spec.States[0].Size;
    }

    private string InitializerCall(ParameterSpec parameter)
    {
        string rows = parameter.Shape.Kind == ShapeKind.Scalar ? "1" : CodeText.Size(parameter.Shape.Rows!);
        string columns = parameter.Shape.Kind == ShapeKind.Matrix ? CodeText.Size(parameter.Shape.Columns!) : "1";
        string span = $"Parameters.AsSpan(_o_{parameter.Name}, {CodeText.Times(rows, columns)})";
        const string Init = "global::SeqGen.Numerics.Initializers";
        InitSpec init = parameter.Init;
        return init.Kind switch
        {
            InitKind.Constant => $"{Init}.Constant<T>({span}, {CodeText.Double(init.A)});",
            InitKind.Uniform => $"{Init}.Uniform<T>({span}, {CodeText.Double(init.A)}, {CodeText.Double(init.B)}, random);",
            InitKind.Normal => $"{Init}.Normal<T>({span}, {CodeText.Double(init.A)}, {CodeText.Double(init.B)}, random);",
            InitKind.Orthogonal => $"{Init}.Orthogonal<T>({span}, {rows}, {columns}, random);",
            InitKind.Xavier => $"{Init}.Xavier<T>({span}, {rows}, {columns}, random);",
            _ => $"{Init}.Uniform<T>({span}, -bound, bound, random);",
        };
    }

    private void EmitLayout()
    {
        var parameters = new List<string>();
        foreach (SizeSymbol symbol in _spec.SizeSymbols)
            parameters.Add("int " + CodeText.Identifier(symbol.ArgumentName));
        _w.Line("// Matrices multiplied by the same operand are adjacent, so one GEMM computes them all.");
        _w.Line($"private static global::SeqGen.Model.ParameterInfo[] Layout({string.Join(", ", parameters)})");
        using (_w.Block(""))
        {
            foreach (SizeSymbol symbol in _spec.SizeSymbols)
                _w.Line($"RequirePositive({CodeText.Identifier(symbol.ArgumentName)}, \"{symbol.ArgumentName}\");");
            _w.Line($"var infos = new global::SeqGen.Model.ParameterInfo[{CodeText.Int(_plan.ParameterOrder.Count)}];");
            _w.Line("int offset = 0;");
            for (int i = 0; i < _plan.ParameterOrder.Count; i++)
            {
                ParameterSpec parameter = _plan.ParameterOrder[i];
                Shape shape = parameter.Shape;
                string kind = "global::SeqGen.Model.ParameterKind." + shape.Kind;
                string rows = shape.Kind == ShapeKind.Scalar ? "1" : CodeText.Size(shape.Rows!, arguments: true, _spec);
                string columns = shape.Kind == ShapeKind.Matrix ? CodeText.Size(shape.Columns!, arguments: true, _spec) : "1";
                _w.Line($"infos[{CodeText.Int(i)}] = new global::SeqGen.Model.ParameterInfo({CodeText.String(parameter.Name)}, {kind}, offset, {rows}, {columns}, {(parameter.Trainable ? "true" : "false")});");
                _w.Line($"offset += infos[{CodeText.Int(i)}].Length;");
            }
            _w.Line("return infos;");
        }
        _w.Line();
    }

    private void EmitMetadata()
    {
        var equations = new List<string>();
        foreach (EquationSpec equation in _spec.Equations)
            equations.Add(equation.Text);
        _w.Line($"public override string Equations => {CodeText.String(string.Join("\n", equations))};");
        _w.Line();
        _w.Line($"public override int InputCount => {CodeText.Int(_spec.Inputs.Count)};");
        var inputNames = new List<string>();
        var inputSizes = new List<string>();
        foreach (InputSpec input in _spec.Inputs)
        {
            inputNames.Add(CodeText.String(input.Name));
            inputSizes.Add(CodeText.Size(input.Size));
        }
        EmitIndexed("string", "InputName", "input", inputNames);
        EmitIndexed("int", "InputSize", "input", inputSizes);
        _w.Line($"public override int StateCount => {CodeText.Int(_spec.States.Count)};");
        var stateNames = new List<string>();
        var stateSizes = new List<string>();
        foreach (StateSpec state in _spec.States)
        {
            stateNames.Add(CodeText.String(state.Name));
            stateSizes.Add(CodeText.Size(state.Size));
        }
        EmitIndexed("string", "StateName", "state", stateNames);
        EmitIndexed("int", "StateSize", "state", stateSizes);
        _w.Line($"public override int OutputState => {CodeText.Int(_plan.StateIndex(_spec.Output))};");
        if (!Recurrent)
            _w.Line($"public override int Arity => {CodeText.Int(_spec.Arity)};");
        _w.Line();
    }

    // A member that maps an index to one of the values, and names the argument when out of range.
    private void EmitIndexed(string type, string name, string argument, List<string> values)
    {
        _w.Line($"public override {type} {name}(int {argument}) => {argument} switch");
        _w.Line("{");
        for (int i = 0; i < values.Count; i++)
            _w.Line($"    {CodeText.Int(i)} => {values[i]},");
        _w.Line($"    _ => throw new global::System.ArgumentOutOfRangeException(nameof({argument}), {argument}, \"{_model.Name} has {CodeText.Int(values.Count)} {argument}(s).\"),");
        _w.Line("};");
    }
}
