using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

internal sealed partial class CellEmitter
{
    private const string AddTo = "global::SeqGen.Numerics.Gemm.AddScaled<T>";

    private void EmitRecurrentEntryPoints()
    {
        using (_w.Block("public override void Forward(global::SeqGen.Model.SequenceWorkspace<T> workspace, int steps)"))
        {
            _w.Line("BeginForward(workspace, steps);");
            EmitLocals(gradients: false);
            EmitFillLeads();
            _steps.EmitHoistedProducts(_w, "steps * B", "0");
            _steps.EmitPrepareWeights(_w, backward: false);
            using (_w.Block("for (int t = 0; t < steps; t++)"))
            {
                _w.Line("ForwardStep(ws, t, B);");
                _w.Line("if (ws.HasLengths)");
                _w.Line("    CarryPadded(ws, t, B);");
            }
            EmitCopyFinals("steps - 1");
        }
        _w.Line();
        using (_w.Block("public override void Backward(global::SeqGen.Model.SequenceWorkspace<T> workspace, int steps)"))
        {
            _w.Line("BeginBackward(workspace, steps);");
            EmitLocals(gradients: true);
            EmitStartBackward();
            EmitAddOutputGradients();
            _steps.EmitPrepareWeights(_w, backward: true);
            using (_w.Block("for (int t = steps - 1; t >= 0; t--)"))
                EmitBackwardOfStep();
            _steps.EmitGradientProducts(_w, "steps * B", hoistedOperands: true);
            EmitInitialStateGradients();
        }
        _w.Line();
        _w.Line("// Step by step: the same tape and the same step code as the sequence pass, one step per call.");
        using (_w.Block("protected override void ForwardAt(global::SeqGen.Model.SequenceWorkspace<T> workspace, int t)"))
        {
            EmitLocals(gradients: false);
            using (_w.Block("if (t == 0)"))
            {
                EmitFillLeads();
                _steps.EmitPrepareWeights(_w, backward: false);
            }
            _steps.EmitHoistedProducts(_w, "B", "t");
            _w.Line("ForwardStep(ws, t, B);");
            _w.Line("if (ws.HasLengths)");
            _w.Line("    CarryPadded(ws, t, B);");
            EmitCopyFinals("t");
        }
        _w.Line();
        using (_w.Block("protected override void BackwardAt(global::SeqGen.Model.SequenceWorkspace<T> workspace, int t, int steps)"))
        {
            EmitLocals(gradients: true);
            using (_w.Block("if (t == steps - 1)"))
            {
                EmitStartBackward();
                _steps.EmitPrepareWeights(_w, backward: true);
            }
            EmitAddOutputGradient("t");
            EmitBackwardOfStep();
            _steps.EmitHoistedOperandGradients(_w, "B", "t");
            using (_w.Block("if (t == 0)"))
            {
                _steps.EmitGradientProducts(_w, "steps * B", hoistedOperands: false);
                EmitInitialStateGradients();
            }
        }
        EmitPaddingHelpers();
    }

    private void EmitLocals(bool gradients)
    {
        _w.Line("var ws = (Workspace)workspace;");
        _w.Line("int B = ws.Batch;");
        _w.Line("T[] P = Parameters;");
        if (gradients)
            _w.Line("T[] Gr = Gradients;");
    }

    private void EmitFillLeads()
    {
        _w.Line("// Values before step 0 (the initial state, for every lag) fill the lead of each state's history.");
        for (int s = 0; s < _spec.States.Count; s++)
        {
            string length = CodeText.Size(_spec.States[s].Size);
            if (_address.Lead(s) == 1)
                _w.Line($"{Array}.Copy(ws.{_address.Initial(s)}, 0, ws.{_address.History(s)}, 0, B * {length});");
            else
                _w.Line($"for (int k = 0; k < {Lead(s)}; k++) {Array}.Copy(ws.{_address.Initial(s)}, 0, ws.{_address.History(s)}, k * B * {length}, B * {length});");
        }
    }

    private void EmitCopyFinals(string step)
    {
        for (int s = 0; s < _spec.States.Count; s++)
        {
            string length = CodeText.Size(_spec.States[s].Size);
            _w.Line($"{Array}.Copy(ws.{_address.History(s)}, ({step} + {Lead(s)}) * B * {length}, ws.{_address.Final(s)}, 0, B * {length});");
        }
    }

    // Clears every gradient the steps accumulate into, and seeds the last step's state gradients
    // with the final-state gradients.
    private void EmitStartBackward()
    {
        for (int i = 0; i < _spec.Inputs.Count; i++)
            _w.Line($"{Array}.Clear(ws.d{_address.Input(i)}, 0, steps * B * {CodeText.Size(_spec.Inputs[i].Size)});");
        foreach (ProductGroup group in _plan.Groups)
            _w.Line($"{Array}.Clear(ws.d{_address.Product(group)}, 0, steps * B * {CodeText.Size(group.TotalRows)});");
        for (int s = 0; s < _spec.States.Count; s++)
        {
            string length = CodeText.Size(_spec.States[s].Size);
            _w.Line($"{Array}.Clear(ws.d{_address.History(s)});");
            _w.Line($"{AddTo}(ws.d{_address.History(s)}.AsSpan((steps - 1 + {Lead(s)}) * B * {length}, B * {length}), T.One, ws.d{_address.Final(s)});");
        }
    }

    private void EmitAddOutputGradients()
    {
        int s = _plan.StateIndex(_spec.Output);
        string length = CodeText.Size(_spec.States[s].Size);
        _w.Line("if (!ws.HasLengths)");
        _w.Line($"    {AddTo}(ws.d{_address.History(s)}.AsSpan({CodeText.Times(Lead(s), "B", length)}, steps * B * {length}), T.One, ws.dOutput.AsSpan(0, steps * B * {length}));");
        _w.Line("else");
        _w.Line("    for (int t = 0; t < steps; t++)");
        EmitAddOutputGradientRows("        ", s, length);
    }

    private void EmitAddOutputGradient(string step)
    {
        int s = _plan.StateIndex(_spec.Output);
        string length = CodeText.Size(_spec.States[s].Size);
        _w.Line("if (!ws.HasLengths)");
        _w.Line($"    {AddTo}(ws.d{_address.History(s)}.AsSpan(({step} + {Lead(s)}) * B * {length}, B * {length}), T.One, ws.dOutput.AsSpan({step} * B * {length}, B * {length}));");
        _w.Line("else");
        EmitAddOutputGradientRows("    ", s, length, step);
    }

    // The output gradient of the sequences that are not padding at step t.
    private void EmitAddOutputGradientRows(string indent, int s, string length, string t = "t")
    {
        _w.Line($"{indent}for (int b = 0; b < B; b++)");
        _w.Line($"{indent}    if (!ws.IsPadding({t}, b))");
        _w.Line($"{indent}        {AddTo}(ws.d{_address.History(s)}.AsSpan((({t} + {Lead(s)}) * B + b) * {length}, {length}), T.One, ws.dOutput.AsSpan(({t} * B + b) * {length}, {length}));");
    }

    private void EmitBackwardOfStep()
    {
        EmitClearStepGradients();
        _w.Line("if (ws.HasLengths)");
        _w.Line("    PassPadded(ws, t, B);");
        _w.Line("BackwardStep(ws, t, B);");
    }

    private void EmitInitialStateGradients()
    {
        _w.Line("// Every read before step 0 was a read of the initial state.");
        for (int s = 0; s < _spec.States.Count; s++)
        {
            string length = CodeText.Size(_spec.States[s].Size);
            _w.Line($"{Array}.Copy(ws.d{_address.History(s)}, 0, ws.d{_address.Initial(s)}, 0, B * {length});");
            if (_address.Lead(s) > 1)
                _w.Line($"for (int k = 1; k < {Lead(s)}; k++) {AddTo}(ws.d{_address.Initial(s)}, T.One, ws.d{_address.History(s)}.AsSpan(k * B * {length}, B * {length}));");
        }
    }

    // A padded step keeps each state: the new value is a copy of the previous one.
    private void EmitPaddingHelpers()
    {
        _w.Line();
        using (_w.Block("private void CarryPadded(Workspace ws, int t, int B)"))
        {
            using (_w.Block("for (int b = 0; b < B; b++)"))
            {
                _w.Line("if (!ws.IsPadding(t, b))");
                _w.Line("    continue;");
                for (int s = 0; s < _spec.States.Count; s++)
                {
                    string length = CodeText.Size(_spec.States[s].Size);
                    _w.Line($"{Array}.Copy(ws.{_address.History(s)}, ((t + {Lead(s)} - 1) * B + b) * {length}, ws.{_address.History(s)}, ((t + {Lead(s)}) * B + b) * {length}, {length});");
                }
            }
        }
        _w.Line();
        _w.Line("// Backward of a copy: the padded step's state gradient passes to the previous state, and the step itself sees none.");
        using (_w.Block("private void PassPadded(Workspace ws, int t, int B)"))
        {
            using (_w.Block("for (int b = 0; b < B; b++)"))
            {
                _w.Line("if (!ws.IsPadding(t, b))");
                _w.Line("    continue;");
                for (int s = 0; s < _spec.States.Count; s++)
                {
                    string length = CodeText.Size(_spec.States[s].Size);
                    _w.Line($"{AddTo}(ws.d{_address.History(s)}.AsSpan(((t + {Lead(s)} - 1) * B + b) * {length}, {length}), T.One, ws.d{_address.History(s)}.AsSpan(((t + {Lead(s)}) * B + b) * {length}, {length}));");
                    _w.Line($"ws.d{_address.History(s)}.AsSpan(((t + {Lead(s)}) * B + b) * {length}, {length}).Clear();");
                }
            }
        }
    }

    private void EmitClearStepGradients()
    {
        for (int e = 0; e < _plan.Intermediates.Count; e++)
            _w.Line($"{Array}.Clear(ws.d{_address.Intermediate(e)}, 0, B * {CodeText.Size(_plan.Intermediates[e].Length)});");
        for (int x = 0; x < _plan.Temps.Count; x++)
            _w.Line($"{Array}.Clear(ws.d{_address.Temp(x)}, 0, B * {CodeText.Size(_plan.Temps[x].Length)});");
    }

    private void EmitRecursiveEntryPoints()
    {
        using (_w.Block("public override void Forward(global::SeqGen.Model.NodeWorkspace<T> workspace, int nodes)"))
        {
            _w.Line("BeginForward(workspace, nodes);");
            _w.Line("var ws = (Workspace)workspace;");
            _w.Line("int B = nodes;");
            _w.Line("T[] P = Parameters;");
            _steps.EmitHoistedProducts(_w, "B", "0");
            _w.Line("ForwardStep(ws, 0, B);");
        }
        _w.Line();
        using (_w.Block("public override void Backward(global::SeqGen.Model.NodeWorkspace<T> workspace, int nodes)"))
        {
            _w.Line("BeginBackward(workspace, nodes);");
            _w.Line("var ws = (Workspace)workspace;");
            _w.Line("int B = nodes;");
            _w.Line("T[] P = Parameters;");
            _w.Line("T[] Gr = Gradients;");
            for (int i = 0; i < _spec.Inputs.Count; i++)
                _w.Line($"{Array}.Clear(ws.d{_address.Input(i)}, 0, B * {CodeText.Size(_spec.Inputs[i].Size)});");
            foreach (ProductGroup group in _plan.Groups)
                _w.Line($"{Array}.Clear(ws.d{_address.Product(group)}, 0, B * {CodeText.Size(group.TotalRows)});");
            for (int s = 0; s < _spec.States.Count; s++)
            {
                string length = CodeText.Size(_spec.States[s].Size);
                _w.Line($"{Array}.Copy(ws.{_address.CallerNewGradient(s)}, ws.d{_address.New(s)}, B * {length});");
                for (int k = 0; k < _spec.Arity; k++)
                    _w.Line($"{Array}.Clear(ws.d{_address.Child(s, k)}, 0, B * {length});");
            }
            EmitClearStepGradients();
            _w.Line("BackwardStep(ws, 0, B);");
            _steps.EmitGradientProducts(_w, "B", hoistedOperands: true);
        }
    }
}
