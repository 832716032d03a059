using System.Collections.Generic;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>
/// Emits the body of one step, forward and backward, operation by operation: the forward of each
/// equation preceded by the equation, its backward by the derivative rule it applies.
/// </summary>
internal sealed class StepEmitter(CellSpec spec, StepPlan plan, SourceAddress address)
{
    private readonly HashSet<string> _frozen = FrozenParameters(spec);

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

    public void EmitForwardStep(SourceWriter writer)
    {
        foreach (StepOperation operation in plan.Operations)
        {
            switch (operation)
            {
                case ElementwiseOperation elementwise:
                    writer.Line($"// {elementwise.Comment}");
                    new ElementwiseEmitter(address, elementwise, _frozen).EmitForward(writer);
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
        for (int i = plan.Operations.Count - 1; i >= 0; i--)
        {
            switch (plan.Operations[i])
            {
                case ElementwiseOperation elementwise:
                    new ElementwiseEmitter(address, elementwise, _frozen).EmitBackward(writer);
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

    /// <summary>Products whose operand is an input, for all <paramref name="rows"/> rows (every step) at once.</summary>
    public void EmitHoistedProducts(SourceWriter writer, string rows)
    {
        foreach (ProductGroup group in plan.Groups)
        {
            if (!group.Hoisted)
                continue;
            writer.Line($"// hoisted out of the step loop: {Describe(group)}");
            EmitProduct(writer, group, rows, step: "0");
        }
    }

    /// <summary>
    /// After the step loop: every weight gradient as one GEMM over all steps' rows, and the input
    /// gradients of hoisted products likewise.
    /// </summary>
    public void EmitGradientProducts(SourceWriter writer, string rows)
    {
        foreach (ProductGroup group in plan.Groups)
        {
            string cols = CodeText.Size(group.Operand.Length);
            string total = CodeText.Size(group.TotalRows);
            string operand = $"{OperandArray(group, false)}.AsSpan({address.RowStart(group.Operand, false, "0", "0")})";
            string dOut = $"ws.dG{CodeText.Int(group.Index)}";
            writer.Line($"// dW += d({Describe(group)})ᵀ · operand, over all steps");
            bool allTrainable = group.Members.TrueForAll(m => !_frozen.Contains(m.Matrix));
            if (allTrainable)
            {
                writer.Line($"{CodeText.Gemm}(true, false, {total}, {cols}, {rows}, {dOut}, {total}, {operand}, {cols}, Gr.AsSpan(_o_{group.Members[0].Matrix}), {cols}, true);");
            }
            else
            {
                foreach (ProductMember member in group.Members)
                {
                    if (_frozen.Contains(member.Matrix))
                        continue;
                    writer.Line($"{CodeText.Gemm}(true, false, {CodeText.Size(member.Rows)}, {cols}, {rows}, {dOut}.AsSpan({CodeText.Size(member.ColumnOffset)}), {total}, {operand}, {cols}, Gr.AsSpan(_o_{member.Matrix}), {cols}, true);");
                }
            }
            if (group.Hoisted)
            {
                writer.Line("// d(input) += d(product) · W, over all steps");
                EmitOperandGradient(writer, group, rows, step: "0");
            }
        }
    }

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
        string output = $"ws.G{CodeText.Int(group.Index)}.AsSpan({step} * B * {total})";
        string byRows = $"{CodeText.Gemm}(false, true, {rows}, {total}, {cols}, {operand}, {cols}, P.AsSpan(_o_{group.Members[0].Matrix}), {cols}, {output}, {total}, false);";
        if (group.Hoisted || !address.Recurrent)
        {
            writer.Line(byRows);
            return;
        }
        // A batched sequence pass transposes the weights once, so each step's product combines
        // their rows (no horizontal sums); a single sequence or a streaming step reads them as they are.
        writer.Line("if (ws.TransposedWeights)");
        writer.Line($"    {CodeText.Gemm}(false, false, {rows}, {total}, {cols}, {operand}, {cols}, ws.WT{CodeText.Int(group.Index)}, {total}, {output}, {total}, false);");
        writer.Line("else");
        writer.Line("    " + byRows);
    }

    /// <summary>
    /// Transposes the weights of every per-step product group into the workspace, when the batch
    /// has enough rows to profit; a single sequence keeps the matrix-vector kernel.
    /// </summary>
    public void EmitTransposeWeights(SourceWriter writer)
    {
        if (!address.Recurrent)
            return;
        writer.Line("ws.TransposedWeights = B >= 4;");
        using (writer.Block("if (ws.TransposedWeights)"))
        {
            foreach (ProductGroup group in plan.Groups)
            {
                if (group.Hoisted)
                    continue;
                string cols = CodeText.Size(group.Operand.Length);
                string total = CodeText.Size(group.TotalRows);
                writer.Line($"global::SeqGen.Numerics.Gemm.Transpose<T>(P.AsSpan(_o_{group.Members[0].Matrix}, {total} * {cols}), {total}, {cols}, ws.WT{CodeText.Int(group.Index)});");
            }
        }
    }

    private void EmitOperandGradient(SourceWriter writer, ProductGroup group, string rows, string step)
    {
        string cols = CodeText.Size(group.Operand.Length);
        string total = CodeText.Size(group.TotalRows);
        string dOut = $"ws.dG{CodeText.Int(group.Index)}.AsSpan({step} * B * {total})";
        string dOperand = $"{OperandArray(group, true)}.AsSpan({address.RowStart(group.Operand, true, step, "0")})";
        writer.Line($"{CodeText.Gemm}(false, false, {rows}, {cols}, {total}, {dOut}, {total}, P.AsSpan(_o_{group.Members[0].Matrix}), {cols}, {dOperand}, {cols}, true);");
    }

    private void EmitLayerNormForward(SourceWriter writer, LayerNormOperation op)
    {
        using (writer.Block(""))
        {
            writer.Line($"int n = {CodeText.Size(op.Input.Length)};");
            writer.Line("T count = T.CreateTruncating(n);");
            using (writer.Block("for (int b = 0; b < B; b++)"))
            {
                writer.Line($"int ri = {address.RowStart(op.Input, false)};");
                writer.Line($"int ro = {address.RowStart(op.Output, false)};");
                writer.Line("T mean = T.Zero;");
                writer.Line($"for (int j = 0; j < n; j++) mean += {address.Array(op.Input, false)}[ri + j];");
                writer.Line("mean /= count;");
                writer.Line("T variance = T.Zero;");
                using (writer.Block("for (int j = 0; j < n; j++)"))
                {
                    writer.Line($"T centred = {address.Array(op.Input, false)}[ri + j] - mean;");
                    writer.Line("variance += centred * centred;");
                }
                writer.Line("T rstd = T.One / T.Sqrt(variance / count + T.CreateTruncating(1e-5));");
                writer.Line($"{address.Array(op.Stats, false)}[{address.RowStart(op.Stats, false)}] = rstd;");
                writer.Line($"for (int j = 0; j < n; j++) {address.Array(op.Output, false)}[ro + j] = ({address.Array(op.Input, false)}[ri + j] - mean) * rstd;");
            }
        }
    }

    private void EmitLayerNormBackward(SourceWriter writer, LayerNormOperation op)
    {
        string y = address.Array(op.Output, false);
        string dy = address.Array(op.Output, true);
        string dx = address.Array(op.Input, true);
        using (writer.Block(""))
        {
            writer.Line($"int n = {CodeText.Size(op.Input.Length)};");
            writer.Line("T count = T.CreateTruncating(n);");
            using (writer.Block("for (int b = 0; b < B; b++)"))
            {
                writer.Line($"int qi = {address.RowStart(op.Input, true)};");
                writer.Line($"int qo = {address.RowStart(op.Output, true)};");
                writer.Line($"int ro = {address.RowStart(op.Output, false)};");
                writer.Line($"T rstd = {address.Array(op.Stats, false)}[{address.RowStart(op.Stats, false)}];");
                writer.Line("T meanDy = T.Zero, meanDyY = T.Zero;");
                using (writer.Block("for (int j = 0; j < n; j++)"))
                {
                    writer.Line($"meanDy += {dy}[qo + j];");
                    writer.Line($"meanDyY += {dy}[qo + j] * {y}[ro + j];");
                }
                writer.Line("meanDy /= count;");
                writer.Line("meanDyY /= count;");
                writer.Line($"for (int j = 0; j < n; j++) {dx}[qi + j] += rstd * ({dy}[qo + j] - meanDy - {y}[ro + j] * meanDyY);");
            }
        }
    }
}
