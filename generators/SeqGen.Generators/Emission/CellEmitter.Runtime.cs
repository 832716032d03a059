using System.Collections.Generic;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

internal sealed partial class CellEmitter
{
    private const string Array = "global::System.Array";
    private const string Span = "global::System.Span<T>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<T>";

    private string CellSize(Size size) => CodeText.Size(size, fieldPrefix: "cell.");

    private string Lead(int state) => CodeText.Int(_address.Lead(state));

    private void EmitWorkspace()
    {
        string baseType = Recurrent ? "global::SeqGen.Model.SequenceWorkspace<T>" : "global::SeqGen.Model.NodeWorkspace<T>";
        _w.Line("/// <summary>Every buffer of a pass, allocated once: the inputs, states and gradients, and the tape.</summary>");
        using (_w.Block($"public sealed class Workspace : {baseType}, global::SeqGen.CompilerServices.IColumnTask"))
        {
            _w.Line($"internal readonly {Generic} Cell;");
            _w.Line("// Rows of the step being computed, for the fused loops a second thread runs.");
            _w.Line("internal int StepRows;");
            var fields = new List<string>();
            for (int i = 0; i < _spec.Inputs.Count; i++)
                fields.AddRange(new[] { $"{_address.Input(i)}", $"d{_address.Input(i)}" });
            for (int s = 0; s < _spec.States.Count; s++)
            {
                if (Recurrent)
                {
                    fields.AddRange(new[] { $"{_address.History(s)}", $"d{_address.History(s)}", $"{_address.Initial(s)}", $"d{_address.Initial(s)}", $"{_address.Final(s)}", $"d{_address.Final(s)}" });
                }
                else
                {
                    fields.AddRange(new[] { $"{_address.New(s)}", $"d{_address.New(s)}", $"{_address.CallerNewGradient(s)}" });
                    for (int k = 0; k < _spec.Arity; k++)
                        fields.AddRange(new[] { $"{_address.Child(s, k)}", $"d{_address.Child(s, k)}" });
                }
            }
            if (Recurrent)
                fields.Add("dOutput");
            for (int e = 0; e < _plan.Intermediates.Count; e++)
                fields.AddRange(new[] { $"{_address.Intermediate(e)}", $"d{_address.Intermediate(e)}" });
            for (int x = 0; x < _plan.Temps.Count; x++)
                fields.AddRange(new[] { $"{_address.Temp(x)}", $"d{_address.Temp(x)}" });
            foreach (ProductGroup group in _plan.Groups)
                fields.AddRange(new[] { $"{_address.Product(group)}", $"d{_address.Product(group)}" });
            foreach (string field in fields)
                _w.Line($"internal readonly T[] {field};");
            foreach (ProductGroup group in _plan.Groups)
            {
                if (!group.Hoisted && Recurrent)
                    _w.Line($"internal readonly {PreparedWeights} {_address.Prepared(group)};");
            }
            if (_steps.SplitsGradients)
            {
                _w.Line("// The second half of a step's rows adds its parameter gradients here (from offset SecondHalfBase of Gradients).");
                _w.Line("internal readonly T[] SecondHalfGradients;");
                _w.Line("internal readonly int SecondHalfBase;");
            }
            _w.Line();
            if (Recurrent)
            {
                EmitSequenceWorkspaceConstructor();
                _w.Line();
                EmitWorkspaceViews();
            }
            else
                EmitNodeWorkspaceConstructor();
            _w.Line();
            _steps.EmitColumnDispatch(_w);
        }
        _w.Line();
        if (Recurrent)
        {
            _w.Line("/// <summary>Allocates every buffer of a pass over up to <paramref name=\"steps\"/> steps of <paramref name=\"batch\"/> sequences; its views are named after the cell's inputs and states.</summary>");
            _w.Line("public override Workspace CreateWorkspace(int steps, int batch) => new Workspace(this, steps, batch);");
        }
        else
        {
            _w.Line("public override Workspace CreateWorkspace(int nodes) => new Workspace(this, nodes);");
        }
        _w.Line();
    }

    private const string PreparedWeights = "global::SeqGen.CompilerServices.PreparedWeights<T>";

    // Tape buffers hold every step's values; gradients of intermediates and temps only the current step's.
    private void EmitTapeBuffers(string steps, string rows)
    {
        for (int e = 0; e < _plan.Intermediates.Count; e++)
        {
            string length = CellSize(_plan.Intermediates[e].Length);
            _w.Line($"{_address.Intermediate(e)} = new T[{CodeText.Times(steps, rows, length)}];");
            _w.Line($"d{_address.Intermediate(e)} = new T[{CodeText.Times(rows, length)}];");
        }
        for (int x = 0; x < _plan.Temps.Count; x++)
        {
            string length = CellSize(_plan.Temps[x].Length);
            _w.Line($"{_address.Temp(x)} = new T[{CodeText.Times(steps, rows, length)}];");
            _w.Line($"d{_address.Temp(x)} = new T[{CodeText.Times(rows, length)}];");
        }
        foreach (ProductGroup group in _plan.Groups)
        {
            string total = CellSize(group.TotalRows);
            _w.Line($"{_address.Product(group)} = new T[{CodeText.Times(steps, rows, total)}];");
            _w.Line($"d{_address.Product(group)} = new T[{CodeText.Times(steps, rows, total)}];");
            if (!group.Hoisted && Recurrent)
                _w.Line($"{_address.Prepared(group)} = new {PreparedWeights}({total}, {CellSize(group.Operand.Length)});");
        }
    }

    private void EmitSequenceWorkspaceConstructor()
    {
        var inputSizes = new List<string>();
        foreach (InputSpec input in _spec.Inputs)
            inputSizes.Add(CellSize(input.Size));
        var stateSizes = new List<string>();
        foreach (StateSpec state in _spec.States)
            stateSizes.Add(CellSize(state.Size));
        int output = _plan.StateIndex(_spec.Output);
        _w.Line($"internal Workspace({Generic} cell, int steps, int batch)");
        _w.Line($"    : base(cell, steps, batch, new int[] {{ {string.Join(", ", inputSizes)} }}, new int[] {{ {string.Join(", ", stateSizes)} }}, {CodeText.Int(output)})");
        using (_w.Block(""))
        {
            _w.Line("Cell = cell;");
            EmitSecondHalfGradients();
            for (int i = 0; i < _spec.Inputs.Count; i++)
            {
                _w.Line($"{_address.Input(i)} = InputArray({i});");
                _w.Line($"d{_address.Input(i)} = InputGradientArray({i});");
            }
            for (int s = 0; s < _spec.States.Count; s++)
            {
                string history = $"(steps + {Lead(s)}) * batch * {stateSizes[s]}";
                _w.Line($"{_address.History(s)} = new T[{history}];");
                _w.Line($"d{_address.History(s)} = new T[{history}];");
                _w.Line($"{_address.Initial(s)} = InitialStateArray({s});");
                _w.Line($"d{_address.Initial(s)} = InitialStateGradientArray({s});");
                _w.Line($"{_address.Final(s)} = FinalStateArray({s});");
                _w.Line($"d{_address.Final(s)} = FinalStateGradientArray({s});");
            }
            _w.Line("dOutput = OutputGradientArray;");
            EmitTapeBuffers("steps", "batch");
            _w.Line($"OutputLength = {stateSizes[output]};");
            _w.Line($"OutputLead = {Lead(output)};");
        }
        _w.Line();
        _w.Line("private int OutputLength { get; }");
        _w.Line("private int OutputLead { get; }");
        _w.Line();
        _w.Line($"public override {Span} Output(int steps) => {_address.History(output)}.AsSpan(OutputLead * Batch * OutputLength, steps * Batch * OutputLength);");
        _w.Line();
        _w.Line($"public override {Span} StateGradient(int state, int step) => state switch");
        _w.Line("{");
        for (int s = 0; s < _spec.States.Count; s++)
            _w.Line($"    {CodeText.Int(s)} => d{_address.History(s)}.AsSpan((step + {Lead(s)}) * Batch * StateSize({CodeText.Int(s)}), Batch * StateSize({CodeText.Int(s)})),");
        _w.Line("    _ => throw new global::System.ArgumentOutOfRangeException(nameof(state), state, \"No such state.\"),");
        _w.Line("};");
    }

    private void EmitSecondHalfGradients()
    {
        if (!_steps.SplitsGradients)
            return;
        _w.Line("(SecondHalfBase, int secondHalfLength) = cell.SecondHalfRange();");
        _w.Line("SecondHalfGradients = new T[secondHalfLength];");
    }

    private void EmitNodeWorkspaceConstructor()
    {
        _w.Line($"internal Workspace({Generic} cell, int nodes)");
        _w.Line("    : base(cell, nodes)");
        using (_w.Block(""))
        {
            _w.Line("Cell = cell;");
            EmitSecondHalfGradients();
            for (int i = 0; i < _spec.Inputs.Count; i++)
            {
                _w.Line($"{_address.Input(i)} = new T[nodes * {CellSize(_spec.Inputs[i].Size)}];");
                _w.Line($"d{_address.Input(i)} = new T[nodes * {CellSize(_spec.Inputs[i].Size)}];");
            }
            for (int s = 0; s < _spec.States.Count; s++)
            {
                string length = CellSize(_spec.States[s].Size);
                foreach (string field in new[] { $"{_address.New(s)}", $"d{_address.New(s)}", $"{_address.CallerNewGradient(s)}" })
                    _w.Line($"{field} = new T[nodes * {length}];");
                for (int k = 0; k < _spec.Arity; k++)
                {
                    _w.Line($"{_address.Child(s, k)} = new T[nodes * {length}];");
                    _w.Line($"d{_address.Child(s, k)} = new T[nodes * {length}];");
                }
            }
            EmitTapeBuffers("1", "nodes");
        }
        _w.Line();
        EmitNodeAccessor("Input", "int input", "input", InputFields(""));
        EmitNodeAccessor("InputGradient", "int input", "input", InputFields("d"));
        EmitNodeAccessor("NewState", "int state", "state", StateFields(s => $"{_address.New(s)}"));
        EmitNodeAccessor("NewStateGradient", "int state", "state", StateFields(s => $"{_address.CallerNewGradient(s)}"));
        EmitChildAccessor("ChildState", "");
        EmitChildAccessor("ChildStateGradient", "d");
    }

    private List<string> InputFields(string prefix)
    {
        var fields = new List<string>();
        for (int i = 0; i < _spec.Inputs.Count; i++)
            fields.Add($"{prefix}{_address.Input(i)}");
        return fields;
    }

    private List<string> StateFields(System.Func<int, string> field)
    {
        var fields = new List<string>();
        for (int s = 0; s < _spec.States.Count; s++)
            fields.Add(field(s));
        return fields;
    }

    private void EmitNodeAccessor(string name, string parameter, string argument, List<string> fields)
    {
        _w.Line($"public override {Span} {name}({parameter}) => {argument} switch");
        _w.Line("{");
        for (int i = 0; i < fields.Count; i++)
            _w.Line($"    {CodeText.Int(i)} => {fields[i]},");
        _w.Line($"    _ => throw new global::System.ArgumentOutOfRangeException(nameof({argument}), {argument}, \"No such {argument}.\"),");
        _w.Line("};");
    }

    private void EmitChildAccessor(string name, string prefix)
    {
        _w.Line($"public override {Span} {name}(int state, int child) => (state, child) switch");
        _w.Line("{");
        for (int s = 0; s < _spec.States.Count; s++)
        {
            for (int k = 0; k < _spec.Arity; k++)
                _w.Line($"    ({CodeText.Int(s)}, {CodeText.Int(k)}) => {prefix}{_address.Child(s, k)},");
        }
        _w.Line($"    _ => throw new global::System.ArgumentOutOfRangeException(nameof(child), $\"No state {{state}} of child {{child}}: the cell has {CodeText.Int(_spec.States.Count)} state(s) and arity {CodeText.Int(_spec.Arity)}.\"),");
        _w.Line("};");
    }

    private void EmitStream()
    {
        _w.Line("/// <summary>States kept between streaming steps, and the next step's inputs.</summary>");
        using (_w.Block("public sealed class Stream : global::SeqGen.Model.StreamState<T>"))
        {
            _w.Line("internal readonly Workspace Ws;");
            _w.Line("private readonly int[] _lengths;");
            _w.Line("private readonly int[] _leads;");
            _w.Line();
            _w.Line($"internal Stream({Generic} cell, int batch)");
            _w.Line("    : base(cell, batch)");
            using (_w.Block(""))
            {
                _w.Line("Ws = new Workspace(cell, 1, batch);");
                var lengths = new List<string>();
                var leads = new List<string>();
                for (int s = 0; s < _spec.States.Count; s++)
                {
                    lengths.Add(CellSize(_spec.States[s].Size));
                    leads.Add(Lead(s));
                }
                _w.Line($"_lengths = new int[] {{ {string.Join(", ", lengths)} }};");
                _w.Line($"_leads = new int[] {{ {string.Join(", ", leads)} }};");
            }
            _w.Line();
            _w.Line($"public override {Span} Input(int input) => Ws.Input(input).Slice(0, Batch * Ws.InputSize(input));");
            _w.Line();
            _w.Line($"public override {Span} State(int state) => History(state).AsSpan((_leads[state] - 1) * Batch * _lengths[state], Batch * _lengths[state]);");
            _w.Line();
            _w.Line($"public override {Span} Output => State({CodeText.Int(_plan.StateIndex(_spec.Output))});");
            _w.Line();
            EmitStreamViews();
            using (_w.Block("public override void Reset()"))
            {
                for (int s = 0; s < _spec.States.Count; s++)
                    _w.Line($"{Array}.Clear(Ws.{_address.History(s)});");
            }
            _w.Line();
            using (_w.Block($"public override void SetState(int state, {ReadOnlySpan} value)"))
            {
                _w.Line("T[] history = History(state);");
                _w.Line("int length = Batch * _lengths[state];");
                _w.Line("if (value.Length != length)");
                _w.Line("    throw new global::System.ArgumentException($\"value has {value.Length} elements; state {state} needs [batch {Batch} x {_lengths[state]}] = {length}.\", nameof(value));");
                _w.Line("for (int k = 0; k < _leads[state]; k++)");
                _w.Line("    value.CopyTo(history.AsSpan(k * length, length));");
            }
            _w.Line();
            _w.Line("private T[] History(int state) => state switch");
            _w.Line("{");
            for (int s = 0; s < _spec.States.Count; s++)
                _w.Line($"    {CodeText.Int(s)} => Ws.{_address.History(s)},");
            _w.Line("    _ => throw new global::System.ArgumentOutOfRangeException(nameof(state), state, \"No such state.\"),");
            _w.Line("};");
        }
        _w.Line();
        _w.Line("/// <summary>State for streaming one step per call, from zero states; its views are named after the cell's inputs and states.</summary>");
        _w.Line("public override Stream CreateStream(int batch) => new Stream(this, batch);");
        _w.Line();
        using (_w.Block("public override void Step(global::SeqGen.Model.StreamState<T> stream)"))
        {
            _w.Line("if (stream is not Stream s || !ReferenceEquals(s.Owner, this))");
            _w.Line("    throw new global::System.ArgumentException(\"The stream was created by another cell; create one with this cell's CreateStream.\", nameof(stream));");
            _w.Line("Workspace ws = s.Ws;");
            _w.Line("int B = s.Batch;");
            // The step reads P itself; here only hoisted products other than a summed one need it.
            ProductGroup? summedInput = _plan.SummedProducts?.Input;
            if (_plan.Groups.Exists(g => g.Hoisted && g != summedInput))
            {
                _w.Line("T[] P = Parameters;");
                _steps.EmitHoistedProducts(_w, "B", "0", except: summedInput);
            }
            _w.Line(summedInput is null ? "ForwardStep(ws, 0, B);" : "SummedForwardStep(ws, 0, B);");
            _w.Line("// Shift each state's history one step, so the newest value sits just before the next step's slot.");
            for (int s = 0; s < _spec.States.Count; s++)
            {
                string length = CodeText.Size(_spec.States[s].Size);
                _w.Line($"{Array}.Copy(ws.{_address.History(s)}, B * {length}, ws.{_address.History(s)}, 0, {CodeText.Times(Lead(s), "B", length)});");
            }
        }
        _w.Line();
        EmitConvenientStep();
    }

    // Step(stream, x, ...) with one span per input, checked against the expected shape.
    private void EmitConvenientStep()
    {
        var parameters = new List<string> { "global::SeqGen.Model.StreamState<T> stream" };
        foreach (InputSpec input in _spec.Inputs)
            parameters.Add($"{ReadOnlySpan} {CodeText.Identifier(input.Name)}");
        _w.Line("/// <summary>One streaming step from the given inputs, [batch, size] each.</summary>");
        using (_w.Block($"public void Step({string.Join(", ", parameters)})"))
        {
            _w.Line("global::System.ArgumentNullException.ThrowIfNull(stream);");
            for (int i = 0; i < _spec.Inputs.Count; i++)
            {
                string name = CodeText.Identifier(_spec.Inputs[i].Name);
                string size = CodeText.Size(_spec.Inputs[i].Size);
                _w.Line($"if ({name}.Length != stream.Batch * {size})");
                _w.Line($"    throw new global::System.ArgumentException($\"{_spec.Inputs[i].Name} has {{{name}.Length}} elements; expected [batch {{stream.Batch}} x {{{size}}}] = {{stream.Batch * {size}}}.\", nameof({name}));");
                _w.Line($"{name}.CopyTo(stream.Input({CodeText.Int(i)}));");
            }
            _w.Line("Step(stream);");
        }
        _w.Line();
    }
}
