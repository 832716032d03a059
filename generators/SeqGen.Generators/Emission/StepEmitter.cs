using System.Collections.Generic;
using System.Text.RegularExpressions;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>
/// Emits the body of one step, forward and backward, operation by operation: the forward of each
/// equation preceded by the equation, its backward by the derivative rule it applies.
/// </summary>
internal sealed class StepEmitter(CellSpec spec, StepPlan plan, SourceAddress address)
{
    private readonly HashSet<string> _frozen = FrozenParameters(spec);
    private List<List<StepOperation>>? _runs;
    private List<ColumnRun>? _columnRuns;

    private List<List<StepOperation>> StepRuns => _runs ??= Runs();

    private List<ColumnRun> LoopRuns => _columnRuns ??= ColumnRuns();

    /// <summary>
    /// A fused loop emitted as a method over a range of columns, so that two threads can share
    /// it. Its id is its case in the workspace's dispatch; forward loops come first.
    /// </summary>
    private sealed class ColumnRun(int id, List<StepOperation> operations, bool backward, List<ElementwiseEmitter> emitters)
    {
        public int Id { get; } = id;
        public List<StepOperation> Operations { get; } = operations;
        public bool Backward { get; } = backward;
        public List<ElementwiseEmitter> Emitters { get; } = emitters;
        public string Method => GeneratedMembers.ColumnMethod(CodeText.Int(Id));
        public string Length => CodeText.Size(((ElementwiseOperation)Operations[0]).Length);

        // A gradient summed over a row (of a scalar or a per-row value) is written by every
        // column: such a loop stays on one thread.
        public bool Splittable => !Emitters.Exists(e => e.HasRowReductions);

        /// <summary>The parameters whose gradients the loop adds to, each once, in order.</summary>
        public List<string> GradientParameters()
        {
            var names = new List<string>();
            foreach (ElementwiseEmitter emitter in Emitters)
                AddNew(names, emitter.GradientParameters());
            return names;
        }

        /// <summary>
        /// A backward loop that adds to parameter gradients, split between threads: the second
        /// half of the rows adds to the workspace's second-half buffer, folded in after the loop.
        /// </summary>
        public bool SplitsGradients => Backward && Splittable && GradientParameters().Count > 0;
    }

    private static void AddNew(List<string> names, IEnumerable<string> more)
    {
        foreach (string name in more)
        {
            if (!names.Contains(name))
                names.Add(name);
        }
    }

    private List<ColumnRun> ColumnRuns()
    {
        var runs = new List<ColumnRun>();
        List<List<StepOperation>> stepRuns = StepRuns;
        foreach (List<StepOperation> run in stepRuns)
        {
            if (run[0] is ElementwiseOperation)
                runs.Add(new ColumnRun(runs.Count, run, backward: false, Emitters(run)));
        }
        for (int i = stepRuns.Count - 1; i >= 0; i--)
        {
            if (stepRuns[i][0] is not ElementwiseOperation)
                continue;
            List<ElementwiseEmitter> emitters = Emitters(stepRuns[i]).FindAll(e => e.HasBackward);
            if (emitters.Count == 0)
                continue;
            emitters.Reverse();
            runs.Add(new ColumnRun(runs.Count, stepRuns[i], backward: true, emitters));
        }
        return runs;
    }

    // The loop of a run of the step's operations; none for a backward run without gradients.
    private ColumnRun? FindColumnRun(List<StepOperation> run, bool backward) =>
        LoopRuns.Find(r => ReferenceEquals(r.Operations, run) && r.Backward == backward);

    private static HashSet<string> FrozenParameters(CellSpec spec)
    {
        var frozen = new HashSet<string>();
        foreach (ParameterSpec parameter in spec.Parameters)
        {
            if (!parameter.Trainable)
                frozen.Add(parameter.Name);
        }
        return frozen;
    }

    /// <summary>
    /// One step forward. With <paramref name="summed"/> (a stream's step, see
    /// <see cref="StepPlan.SummedProducts"/>) the recurrent product of the pair is computed with
    /// the input product added, in one pass, and the input product's buffer is never written.
    /// </summary>
    public void EmitForwardStep(SourceWriter writer, (ProductGroup Input, ProductGroup Recurrent)? summed = null)
    {
        writer.Line("ws.StepRows = B;");
        foreach (List<StepOperation> run in StepRuns)
        {
            switch (run[0])
            {
                case ElementwiseOperation:
                    EmitFusedForward(writer, run);
                    break;
                case ProductOperation { Group.Hoisted: false } product when summed is { } pair && product.Group == pair.Recurrent:
                    writer.Line($"// {Describe(pair.Recurrent)} + {Describe(pair.Input)}, in one pass: the step reads them only as this sum, so {address.Product(pair.Input)} stays zero");
                    EmitSummedProduct(writer, pair.Input, pair.Recurrent);
                    break;
                case ProductOperation { Group.Hoisted: false } product:
                    writer.Line($"// {Describe(product.Group)}");
                    EmitProduct(writer, product.Group, rows: "B", step: "t");
                    break;
                case LayerNormOperation layerNorm:
                    writer.Line("// layernorm: (v - mean(v)) / sqrt(var(v) + 1e-5) over each row");
                    EmitLayerNormForward(writer, layerNorm);
                    break;
            }
        }
    }

    public void EmitBackwardStep(SourceWriter writer)
    {
        writer.Line("ws.StepRows = B;");
        List<List<StepOperation>> runs = StepRuns;
        for (int i = runs.Count - 1; i >= 0; i--)
        {
            switch (runs[i][0])
            {
                case ElementwiseOperation:
                    EmitFusedBackward(writer, runs[i]);
                    break;
                case ProductOperation { Group.Hoisted: false } product:
                    writer.Line($"// d(operand) += d({Describe(product.Group)}) · W");
                    EmitOperandGradient(writer, product.Group, rows: "B", step: "t");
                    break;
                case LayerNormOperation layerNorm:
                    writer.Line("// d(v) = rstd * (dy - mean(dy) - y * mean(dy * y))");
                    EmitLayerNormBackward(writer, layerNorm);
                    break;
            }
        }
    }

    /// <summary>
    /// The step's operations with consecutive elementwise ones of the same row length gathered into
    /// one run: a run is one method over a range of columns, each element computing every equation
    /// of the run in order (a later equation reads an earlier one's value of the same element).
    /// </summary>
    private List<List<StepOperation>> Runs()
    {
        var runs = new List<List<StepOperation>>();
        foreach (StepOperation operation in plan.Operations)
        {
            if (operation is ElementwiseOperation elementwise && runs.Count > 0
                && runs[runs.Count - 1][0] is ElementwiseOperation first && first.Length.Equals(elementwise.Length))
            {
                runs[runs.Count - 1].Add(operation);
            }
            else
            {
                runs.Add(new List<StepOperation> { operation });
            }
        }
        return runs;
    }

    private List<ElementwiseEmitter> Emitters(List<StepOperation> run)
    {
        var emitters = new List<ElementwiseEmitter>();
        for (int i = 0; i < run.Count; i++)
            emitters.Add(new ElementwiseEmitter(address, (ElementwiseOperation)run[i], _frozen, i));
        return emitters;
    }

    // Per row: Vector<T> loops over the columns [from, to), then one scalar tail computing every
    // equation of the run per element. Forward, an equation that evaluates exp, tanh or the like
    // gets a loop of its own and consecutive cheap ones share one: every equation reads and writes
    // only its own element of each row, so finishing one loop over the row before the next
    // computes the same values, and a short loop body lets the processor overlap the dependency
    // chains of many elements, where a fused body of several exp's fills its reorder window with
    // one element (measured on Zen 4: an LSTM's forward elementwise step 1.45x faster). Backward
    // stays one loop: its equations are mostly cheap read-modify-writes of gradients, and
    // splitting them measured slower.
    private static void EmitColumnLoops(SourceWriter writer, List<ElementwiseEmitter> emitters, bool backward)
    {
        void Body(ElementwiseEmitter emitter, bool vector)
        {
            if (backward)
                emitter.BackwardBody(writer, vector);
            else
                emitter.ForwardBody(writer, vector);
        }
        writer.Line($"int vectorEnd = from + (to - from) / {CodeText.Vector}.Count * {CodeText.Vector}.Count;");
        for (int first = 0; first < emitters.Count;)
        {
            int last = backward ? emitters.Count : first + 1;
            if (!backward && !emitters[first].EvaluatesLongFunction)
            {
                while (last < emitters.Count && !emitters[last].EvaluatesLongFunction)
                    last++;
            }
            using (writer.Block($"for (int j = from; j < vectorEnd; j += {CodeText.Vector}.Count)"))
            {
                for (int i = first; i < last; i++)
                {
                    using (writer.Block(""))
                        Body(emitters[i], true);
                }
            }
            first = last;
        }
        using (writer.Block("for (int j = vectorEnd; j < to; j++)"))
        {
            foreach (ElementwiseEmitter emitter in emitters)
            {
                using (writer.Block(""))
                    Body(emitter, false);
            }
        }
    }

    private void EmitFusedForward(SourceWriter writer, List<StepOperation> run)
    {
        foreach (StepOperation operation in run)
            writer.Line($"// {((ElementwiseOperation)operation).Comment}");
        EmitColumnRunCall(writer, FindColumnRun(run, backward: false)!);
    }

    // The adjoint runs the fused equations in reverse inside each element: a later equation adds
    // to the gradient of an earlier one's value of the same element before that one reads it.
    private void EmitFusedBackward(SourceWriter writer, List<StepOperation> run)
    {
        ColumnRun? columnRun = FindColumnRun(run, backward: true);
        if (columnRun is null)
            return;
        foreach (ElementwiseEmitter emitter in columnRun.Emitters)
            emitter.BackwardComment(writer);
        EmitColumnRunCall(writer, columnRun);
    }

    private void EmitColumnRunCall(SourceWriter writer, ColumnRun run)
    {
        if (!run.Splittable)
        {
            writer.Line($"{run.Method}(ws, t, B, 0, B, 0, {run.Length});");
            return;
        }
        // Rows are split between threads. A backward loop's rows add to the same parameter
        // gradients: the second half of the rows (always the same half, on one thread or two, so
        // the sums do not depend on the thread count) adds to a buffer of its own, added after.
        writer.Line($"global::SeqGen.CompilerServices.ParallelColumns.Run(ws, {CodeText.Int(run.Id)}, t, {run.Length}, B, {CodeText.Vector}.Count, secondHalfGradients: {(run.SplitsGradients ? "true" : "false")});");
        if (!run.SplitsGradients)
            return;
        using (writer.Block("if (B >= 2)"))
        {
            foreach (string name in run.GradientParameters())
            {
                string length = ParameterLength(name);
                writer.Line($"global::SeqGen.CompilerServices.ParallelColumns.AddSecondHalf<T>(Gr.AsSpan(_o_{name}, {length}), ws.SecondHalfGradients.AsSpan(_o_{name} - ws.SecondHalfBase, {length}));");
            }
        }
    }

    private string ParameterLength(string name)
    {
        foreach (ParameterSpec parameter in plan.ParameterOrder)
        {
            if (parameter.Name == name)
            {
                string rows = parameter.Shape.Kind == ShapeKind.Scalar ? "1" : CodeText.Size(parameter.Shape.Rows!);
                string columns = parameter.Shape.Kind == ShapeKind.Matrix ? CodeText.Size(parameter.Shape.Columns!) : "1";
                return CodeText.Times(rows, columns);
            }
        }
        throw new System.InvalidOperationException("No parameter " + name + ".");
    }

    /// <summary>Whether a backward loop sends the second half of its rows' parameter gradients to the workspace's buffer.</summary>
    public bool SplitsGradients => LoopRuns.Exists(run => run.SplitsGradients);

    /// <summary>
    /// The cell's method giving the range of its gradients that the workspace's second-half
    /// buffer covers: from the first parameter a split backward loop adds to, to the end of the last.
    /// </summary>
    public void EmitSecondHalfRange(SourceWriter writer)
    {
        if (!SplitsGradients)
            return;
        var names = new List<string>();
        foreach (ColumnRun run in LoopRuns)
        {
            if (run.SplitsGradients)
                AddNew(names, run.GradientParameters());
        }
        writer.Line();
        using (writer.Block("internal (int Base, int Length) SecondHalfRange()"))
        {
            writer.Line($"int first = _o_{names[0]}, end = _o_{names[0]} + {ParameterLength(names[0])};");
            for (int i = 1; i < names.Count; i++)
            {
                writer.Line($"first = global::System.Math.Min(first, _o_{names[i]});");
                writer.Line($"end = global::System.Math.Max(end, _o_{names[i]} + {ParameterLength(names[i])});");
            }
            writer.Line("return (first, end - first);");
        }
    }

    /// <summary>The fused loops as methods over rows [firstRow, lastRow) and columns [from, to) of a batch of B rows.</summary>
    public void EmitColumnRunMethods(SourceWriter writer)
    {
        foreach (ColumnRun run in LoopRuns)
        {
            writer.Line();
            using (writer.Block($"internal void {run.Method}(Workspace ws, int t, int B, int firstRow, int lastRow, int from, int to)"))
            {
                writer.Line("T[] P = Parameters;");
                if (run.SplitsGradients)
                {
                    writer.Line("T[] Gr = firstRow == 0 ? Gradients : ws.SecondHalfGradients;");
                    writer.Line("int gradientShift = firstRow == 0 ? 0 : ws.SecondHalfBase;");
                }
                else if (run.Backward)
                {
                    writer.Line("T[] Gr = Gradients;");
                }
                if (run.Backward && run.Emitters.Exists(e => e.UsesOne()))
                {
                    writer.Line("T sOne = T.One;");
                    writer.Line($"var vOne = {CodeText.Vector}.One;");
                }
                foreach (ElementwiseEmitter emitter in run.Emitters)
                    emitter.DeclareConstants(writer);
                var rows = new SourceWriter();
                using (rows.Block("for (int b = firstRow; b < lastRow; b++)"))
                {
                    foreach (ElementwiseEmitter emitter in run.Emitters)
                        emitter.DeclareRow(rows, backward: run.Backward, run.SplitsGradients ? "gradientShift" : null);
                    EmitColumnLoops(rows, run.Emitters, run.Backward);
                    if (run.Backward)
                    {
                        foreach (ElementwiseEmitter emitter in run.Emitters)
                            emitter.BackwardAfterRow(rows);
                    }
                }
                writer.Lines(HoistWorkspaceArrays(writer, rows.ToString()));
            }
        }
    }

    // The loops read the workspace's arrays through locals: read as ws.X, each field is loaded
    // again at every vector load (the JIT cannot tell that the loop's stores leave it alone), and
    // those loads and their registers crowd the out-of-order window the gates' chains need.
    private static string HoistWorkspaceArrays(SourceWriter writer, string loops)
    {
        var names = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (Match match in WorkspaceArray.Matches(loops))
            names.Add(match.Groups[1].Value);
        foreach (string name in names)
            writer.Line($"var ws_{name} = ws.{name};");
        return WorkspaceArray.Replace(loops, match => "ws_" + match.Groups[1].Value);
    }

    private static readonly Regex WorkspaceArray = new(@"\bws\.([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()", RegexOptions.CultureInvariant);

    /// <summary>The workspace's dispatch from a fused loop's id to its method.</summary>
    public void EmitColumnDispatch(SourceWriter writer)
    {
        using (writer.Block("void global::SeqGen.CompilerServices.IColumnTask.RunBlock(int run, int step, int firstRow, int lastRow, int from, int to)"))
        {
            using (writer.Block("switch (run)"))
            {
                foreach (ColumnRun run in LoopRuns)
                    writer.Line($"case {CodeText.Int(run.Id)}: Cell.{run.Method}(this, step, StepRows, firstRow, lastRow, from, to); break;");
                writer.Line("default: throw new global::System.ArgumentOutOfRangeException(nameof(run), run, \"No such loop.\");");
            }
        }
    }

    /// <summary>
    /// Products whose operand is an input, for <paramref name="rows"/> rows from step
    /// <paramref name="step"/>: every step at once in a sequence pass, one step when driven step by step.
    /// </summary>
    public void EmitHoistedProducts(SourceWriter writer, string rows, string step, ProductGroup? except = null)
    {
        foreach (ProductGroup group in plan.Groups)
        {
            if (!group.Hoisted || group == except)
                continue;
            writer.Line($"// hoisted out of the step loop: {Describe(group)}");
            EmitProduct(writer, group, rows, step);
        }
    }

    /// <summary>The input gradients of hoisted products, for <paramref name="rows"/> rows from step <paramref name="step"/>.</summary>
    public void EmitHoistedOperandGradients(SourceWriter writer, string rows, string step)
    {
        foreach (ProductGroup group in plan.Groups)
        {
            if (!group.Hoisted)
                continue;
            writer.Line($"// d(input) += d({Describe(group)}) · W, this step");
            EmitOperandGradient(writer, group, rows, step);
        }
    }

    /// <summary>
    /// After the step loop: every weight gradient as one GEMM over all steps' rows, and (with
    /// <paramref name="hoistedOperands"/>) the input gradients of hoisted products likewise.
    /// </summary>
    public void EmitGradientProducts(SourceWriter writer, string rows, bool hoistedOperands)
    {
        foreach (ProductGroup group in plan.Groups)
        {
            string cols = CodeText.Size(group.Operand.Length);
            string total = CodeText.Size(group.TotalRows);
            string operand = $"{OperandArray(group, false)}.AsSpan({address.RowStart(group.Operand, false, "0", "0")})";
            string dOut = $"ws.d{address.Product(group)}";
            writer.Line($"// dW += d({Describe(group)})ᵀ · operand, over all steps");
            string? zero = address.Recurrent ? null : ZeroOperand(group);
            // With a zero operand the weights take no gradient.
            string guard = zero is null ? "" : $"if (!{zero}) ";
            bool allTrainable = group.Members.TrueForAll(m => !_frozen.Contains(m.Matrix));
            if (allTrainable)
            {
                writer.Line($"{guard}{CodeText.Gemm}(true, false, {total}, {cols}, {rows}, {dOut}, {total}, {operand}, {cols}, Gr.AsSpan(_o_{group.Members[0].Matrix}), {cols}, true);");
            }
            else
            {
                foreach (ProductMember member in group.Members)
                {
                    if (_frozen.Contains(member.Matrix))
                        continue;
                    writer.Line($"{guard}{CodeText.Gemm}(true, false, {CodeText.Size(member.Rows)}, {cols}, {rows}, {dOut}.AsSpan({CodeText.Size(member.ColumnOffset)}), {total}, {operand}, {cols}, Gr.AsSpan(_o_{member.Matrix}), {cols}, true);");
                }
            }
            if (group.Hoisted && hoistedOperands)
            {
                writer.Line("// d(input) += d(product) · W, over all steps");
                EmitOperandGradient(writer, group, rows, step: "0");
            }
        }
    }

    // In a recursive cell, the flag under which a group's operand is known to be zero: the
    // caller's promise that every node of the batch is a leaf, or that no node has an input.
    private string? ZeroOperand(ProductGroup group) =>
        group.Hoisted ? "ws.InputsAreZero" : plan.ReadsOnlyChildren(group.Operand) ? "ws.ChildrenAreZero" : null;

    private static string Describe(ProductGroup group)
    {
        var names = new List<string>();
        foreach (ProductMember member in group.Members)
            names.Add(member.Matrix);
        string operand = group.Operand.Kind switch
        {
            SourceKind.Temp => "(" + group.Operand.Text + ")",
            SourceKind.PreviousState when group.Operand.Lag == 1 => group.Operand.Name,
            SourceKind.NewState => group.Operand.Name + "'",
            SourceKind.ChildState => $"{group.Operand.Name}[{CodeText.Int(group.Operand.Lag)}]",
            _ => group.Operand.Name,
        };
        return $"[{string.Join("; ", names)}] @ {operand}";
    }

    private string OperandArray(ProductGroup group, bool gradient) => address.Array(group.Operand, gradient);

    private void EmitProduct(SourceWriter writer, ProductGroup group, string rows, string step)
    {
        string cols = CodeText.Size(group.Operand.Length);
        string total = CodeText.Size(group.TotalRows);
        string operand = $"{OperandArray(group, false)}.AsSpan({address.RowStart(group.Operand, false, step, "0")})";
        string output = $"ws.{address.Product(group)}.AsSpan({CodeText.Times(step, "B", total)})";
        string byRows = $"{CodeText.Gemm}(false, true, {rows}, {total}, {cols}, {operand}, {cols}, P.AsSpan(_o_{group.Members[0].Matrix}), {cols}, {output}, {total}, false);";
        if (!address.Recurrent && ZeroOperand(group) is { } zero)
        {
            // A leaf's children, or an inner node's input, are zero: so is the product.
            writer.Line($"if ({zero})");
            writer.Line($"    global::System.Array.Clear(ws.{address.Product(group)}, 0, {CodeText.Times(rows, total)});");
            writer.Line("else");
            writer.Line("    " + byRows);
            return;
        }
        if (group.Hoisted || !address.Recurrent)
        {
            writer.Line(byRows);
            return;
        }
        // A pass lays the weights out once (see EmitPrepareWeights) in the form the runtime picks
        // for its batch; a streaming step reads them as they are.
        writer.Line($"ws.{address.Prepared(group)}.Forward({rows}, {operand}, {cols}, {Weights(group)}, {output}, {total});");
    }

    private void EmitSummedProduct(SourceWriter writer, ProductGroup input, ProductGroup recurrent)
    {
        string cols = CodeText.Size(recurrent.Operand.Length);
        string inputCols = CodeText.Size(input.Operand.Length);
        string total = CodeText.Size(recurrent.TotalRows);
        string operand = $"{OperandArray(recurrent, false)}.AsSpan({address.RowStart(recurrent.Operand, false, "t", "0")})";
        string inputOperand = $"{OperandArray(input, false)}.AsSpan({address.RowStart(input.Operand, false, "t", "0")})";
        string output = $"ws.{address.Product(recurrent)}.AsSpan({CodeText.Times("t", "B", total)})";
        writer.Line($"ws.{address.Prepared(recurrent)}.ForwardSum(B, {operand}, {cols}, {Weights(recurrent)}, {inputCols}, {inputOperand}, {Weights(input)}, {output}, {total});");
    }

    private static string Weights(ProductGroup group) =>
        $"P.AsSpan(_o_{group.Members[0].Matrix}, {CodeText.Size(group.TotalRows)} * {CodeText.Size(group.Operand.Length)})";

    /// <summary>At the start of a pass, has the runtime lay out the weights of every per-step product for the batch.</summary>
    public void EmitPrepareWeights(SourceWriter writer, bool backward)
    {
        if (!address.Recurrent)
            return;
        foreach (ProductGroup group in RecurrentGroups())
            writer.Line($"ws.{address.Prepared(group)}.Prepare{(backward ? "Backward" : "Forward")}({Weights(group)}, B);");
    }

    private List<ProductGroup> RecurrentGroups() => plan.Groups.FindAll(g => !g.Hoisted);

    private void EmitOperandGradient(SourceWriter writer, ProductGroup group, string rows, string step)
    {
        string cols = CodeText.Size(group.Operand.Length);
        string total = CodeText.Size(group.TotalRows);
        string dOut = $"ws.d{address.Product(group)}.AsSpan({CodeText.Times(step, "B", total)})";
        string dOperand = $"{OperandArray(group, true)}.AsSpan({address.RowStart(group.Operand, true, step, "0")})";
        string asStored = $"{CodeText.Gemm}(false, false, {rows}, {cols}, {total}, {dOut}, {total}, P.AsSpan(_o_{group.Members[0].Matrix}), {cols}, {dOperand}, {cols}, true);";
        if (!address.Recurrent && ZeroOperand(group) is { } zero)
        {
            // A zero operand takes no gradient that anyone reads, nor does an input whose
            // gradient the caller said it leaves unread (frozen word vectors).
            writer.Line(group.Hoisted ? $"if (!{zero} && !ws.InputGradientsUnused)" : $"if (!{zero})");
            writer.Line("    " + asStored);
            return;
        }
        if (group.Hoisted || !address.Recurrent)
        {
            writer.Line(asStored);
            return;
        }
        writer.Line($"ws.{address.Prepared(group)}.Backward({rows}, {dOut}, {total}, {Weights(group)}, {dOperand}, {cols});");
    }

    // One call per row to the runtime's vectorised layer norm (SeqGen.CompilerServices.VectorMath).
    private void EmitLayerNormForward(SourceWriter writer, LayerNormOperation op)
    {
        string n = CodeText.Size(op.Input.Length);
        using (writer.Block("for (int b = 0; b < B; b++)"))
        {
            writer.Line($"{address.Array(op.Stats, false)}[{address.RowStart(op.Stats, false)}] = global::SeqGen.CompilerServices.VectorMath.LayerNormRow<T>(" +
                $"{address.Array(op.Input, false)}.AsSpan({address.RowStart(op.Input, false)}, {n}), {address.Array(op.Output, false)}.AsSpan({address.RowStart(op.Output, false)}, {n}));");
        }
    }

    private void EmitLayerNormBackward(SourceWriter writer, LayerNormOperation op)
    {
        string n = CodeText.Size(op.Input.Length);
        using (writer.Block("for (int b = 0; b < B; b++)"))
        {
            writer.Line($"global::SeqGen.CompilerServices.VectorMath.LayerNormRowBackward<T>({address.Array(op.Output, false)}.AsSpan({address.RowStart(op.Output, false)}, {n}), " +
                $"{address.Array(op.Output, true)}.AsSpan({address.RowStart(op.Output, true)}, {n}), {address.Array(op.Stats, false)}[{address.RowStart(op.Stats, false)}], " +
                $"{address.Array(op.Input, true)}.AsSpan({address.RowStart(op.Input, true)}, {n}));");
        }
    }
}
