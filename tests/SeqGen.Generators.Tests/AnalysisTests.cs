using System.Linq;
using SeqGen.Generators.Analysis;
using SeqGen.Generators.Emission;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;
using Xunit.Abstractions;

namespace SeqGen.Generators.Tests;

/// <summary>Name resolution and shape inference of every construct of the language.</summary>
public class AnalysisTests(ITestOutputHelper output)
{
    [Fact]
    public void Gru_PyTorchForm_InfersEveryShape()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent(Cells.GruEquations));
        output.WriteLine(SummaryEmitter.Describe(spec));
        foreach (string gate in new[] { "r", "z", "n" })
        {
            Assert.Equal("matrix[HxI]", spec.ShapeOf("W_" + gate));
            Assert.Equal("matrix[HxH]", spec.ShapeOf("U_" + gate));
        }
        foreach (string bias in new[] { "b_ir", "b_hr", "b_iz", "b_hz", "b_in", "b_hn" })
            Assert.Equal("vector[H]", spec.ShapeOf(bias));
        Assert.Equal(12, spec.Parameters.Count);
        Assert.Equal("h", Assert.Single(spec.States).Name);
        Assert.Equal("h", spec.Output);
    }

    [Fact]
    public void ChoGru_InfersShapesThroughTheResetProduct()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent(Cells.ChoGruEquations));
        output.WriteLine(SummaryEmitter.Describe(spec));
        Assert.Equal("matrix[HxH]", spec.ShapeOf("U_n"));
        Assert.Equal("vector[H]", spec.ShapeOf("b_n"));
        Assert.Equal(new[] { "W_z", "U_z", "b_z", "W_r", "U_r", "b_r", "W_n", "U_n", "b_n" }, spec.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Lstm_InfersShapes_AndTwoStates()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent(Cells.LstmEquations)
            .WithParams(new ParamDeclaration("b_f", "1", null, true)));
        output.WriteLine(SummaryEmitter.Describe(spec));
        Assert.Equal(new[] { "c", "h" }, spec.States.Select(s => s.Name));
        Assert.Equal("h", spec.Output);
        Assert.Equal("matrix[HxI]", spec.ShapeOf("W_g"));
        Assert.Equal("matrix[HxH]", spec.ShapeOf("U_o"));
        var forgetBias = spec.Parameters.Single(p => p.Name == "b_f");
        Assert.Equal(new InitSpec(InitKind.Constant, 1, 0), forgetBias.Init);
        // h' reads the new cell state c', not the previous one.
        var h = spec.Equations.Last().Value;
        Assert.Contains("NewState", h.ToString());
    }

    [Fact]
    public void ProjectionLstm_SizesGiveStatesDifferentSizes()
    {
        var cell = Cells.Recurrent(
            "i = sigmoid(W_i @ x + U_i @ h + b_i)",
            "c' = i * c + tanh(W_c @ x + U_c @ h)",
            "h' = P @ tanh(c')") with { Sizes = "h: P, c: H" };
        CellSpec spec = Cells.Check(cell);
        output.WriteLine(SummaryEmitter.Describe(spec));
        Assert.Equal("matrix[HxP]", spec.ShapeOf("U_i"));
        Assert.Equal("matrix[PxH]", spec.ShapeOf("P"));
        Assert.Equal(new[] { "I", "H", "P" }, spec.SizeSymbols.Select(s => s.Name));
        Assert.Equal(new[] { "inputSize", "hiddenSize", "pSize" }, spec.SizeSymbols.Select(s => s.ArgumentName));
    }

    [Fact]
    public void TwoInputs_EachHasItsOwnSize()
    {
        var cell = Cells.Recurrent("h' = tanh(W @ x + V @ ctx + U @ h + b)") with { Inputs = "x, ctx" };
        CellSpec spec = Cells.Check(cell);
        Assert.Equal("matrix[HxI_x]", spec.ShapeOf("W"));
        Assert.Equal("matrix[HxI_ctx]", spec.ShapeOf("V"));
        Assert.Equal("ctxSize", spec.SizeSymbols.Single(s => s.Name == "I_ctx").ArgumentName);
    }

    [Fact]
    public void TreeRnn_ConcatenationOfChildren()
    {
        CellSpec spec = Cells.Check(Cells.Recursive(2, "h' = tanh(W @ [h[0]; h[1]] + b)"));
        output.WriteLine(SummaryEmitter.Describe(spec));
        Assert.Equal("matrix[Hx(2*H)]", spec.ShapeOf("W"));
        Assert.Equal(CellKind.Recursive, spec.Kind);
        Assert.Equal(2, spec.Arity);
        Assert.Empty(spec.Inputs);
    }

    [Fact]
    public void ConcatenationInsideRecurrentCell_InputAndState()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent("h' = tanh(W @ [x; h] + b)"));
        Assert.Equal("matrix[Hx(H+I)]", spec.ShapeOf("W"));
    }

    [Fact]
    public void ConcatenationPart_InferredFromTheWhole()
    {
        var cell = Cells.Recurrent("h' = tanh(W @ [x; p] + b)")
            .WithParams(new ParamDeclaration("W", null, "H,I+H", true));
        Assert.Equal("vector[H]", Cells.Check(cell).ShapeOf("p"));
    }

    [Fact]
    public void Lag_RecordsHowFarBackAStateIsRead()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent("h' = tanh(W @ x + U @ h + V @ h[t-3])"));
        Assert.Equal(3, spec.States.Single().MaxLag);
        var read = (BoundBinary)((BoundCall)spec.Equations[0].Value).Argument;
        Assert.Equal(new BoundValue(ValueKind.PreviousState, "h", 3, Shape.Vector(Size.Symbol("H"))), ((BoundBinary)read.Right).Right);
    }

    [Fact]
    public void ScalarParameter_BroadcastsAndStaysScalar()
    {
        var cell = Cells.Recurrent("h' = mu * h + (1 - mu) * tanh(W @ x + U @ h + b)")
            .WithParams(new ParamDeclaration("mu", "0.9", "scalar", false));
        CellSpec spec = Cells.Check(cell);
        var mu = spec.Parameters.Single(p => p.Name == "mu");
        Assert.Equal("scalar", mu.Shape.ToString());
        Assert.False(mu.Trainable);
        Assert.Equal(0.9, mu.Init.A);
    }

    [Fact]
    public void UndeclaredLeakRate_IsAVectorOfTheStateSize()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent("h' = mu * h + (1 - mu) * tanh(W @ x + U @ h + b)"));
        Assert.Equal("vector[H]", spec.ShapeOf("mu"));
    }

    [Fact]
    public void EveryFunction_KeepsItsArgumentsShape()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent(
            "a = sigmoid(W @ x) + tanh(U @ h) + relu(b) + softplus(c) + exp(-d) + log(e) + identity(f)",
            "h' = g * layernorm(a) + k / 2"));
        Assert.All(spec.Parameters.Where(p => p.Name.Length == 1 && p.Name != "W" && p.Name != "U"),
            p => Assert.Equal("vector[H]", p.Shape.ToString()));
    }

    [Fact]
    public void MatrixProduct_BindsTighterThanProduct_AndAssociatesRight()
    {
        var cell = Cells.Recurrent("r = sigmoid(V @ h)", "h' = tanh(r * U @ h + A @ B @ x)")
            .WithParams(new ParamDeclaration("B", null, "2*H,I", true));
        CellSpec spec = Cells.Check(cell);
        var sum = (BoundBinary)((BoundCall)spec.Equations[1].Value).Argument;
        var product = (BoundBinary)sum.Left;
        Assert.Equal(BinaryOperator.Multiply, product.Operator);
        Assert.Equal(BinaryOperator.MatrixProduct, ((BoundBinary)product.Right).Operator);
        var chain = (BoundBinary)sum.Right;
        Assert.Equal("A", ((BoundValue)chain.Left).Name);
        Assert.Equal(BinaryOperator.MatrixProduct, ((BoundBinary)chain.Right).Operator);
        Assert.Equal("matrix[Hx(2*H)]", spec.ShapeOf("A"));
    }

    [Fact]
    public void NewStateRead_AfterItsDefinition()
    {
        CellSpec spec = Cells.Check(Cells.Recurrent(Cells.LstmEquations));
        var read = ((BoundBinary)spec.Equations[5].Value).Right;
        Assert.Equal(new BoundValue(ValueKind.NewState, "c", 0, Shape.Vector(Size.Symbol("H"))), ((BoundCall)read).Argument);
    }

    [Fact]
    public void IntegerSizes_AndScaledShapes()
    {
        var cell = (Cells.Recurrent("h' = tanh(W @ [x; x] + U @ h)") with { Sizes = "x: 5, h: 7" })
            .WithParams(new ParamDeclaration("U", null, "7, 7", true));
        CellSpec spec = Cells.Check(cell);
        Assert.Equal("matrix[7x10]", spec.ShapeOf("W"));
        Assert.Empty(spec.SizeSymbols);
    }

    [Fact]
    public void RecursiveCell_ReadsTheNewStateAfterItsDefinition_AndPerNodeInputs()
    {
        var cell = Cells.Recursive(3, "c' = tanh(W @ x + U @ [h[0]; h[1]; h[2]])", "h' = o * tanh(c')", "o = sigmoid(V @ x)") with { Inputs = "x" };
        Assert.Contains("SEQ007", Cells.ProblemIds(cell));
        var ordered = cell with { Equations = new Helpers.EquatableArray<string>(new[] { "o = sigmoid(V @ x)", "c' = tanh(W @ x + U @ [h[0]; h[1]; h[2]] + c[0])", "h' = o * tanh(c')" }) };
        CellSpec spec = Cells.Check(ordered);
        Assert.Equal("matrix[Hx(3*H)]", spec.ShapeOf("U"));
        Assert.Equal(new[] { "c", "h" }, spec.States.Select(s => s.Name));
    }

    [Fact]
    public void Output_PicksTheNamedState()
    {
        var cell = Cells.Recurrent(Cells.LstmEquations) with { Output = "c" };
        Assert.Equal("c", Cells.Check(cell).Output);
    }

    [Fact]
    public void Shape_And_Init_Texts()
    {
        var cell = Cells.Recurrent("h' = tanh(W @ x + U @ h + b)").WithParams(
            new ParamDeclaration("W", "xavier", "H, I", true),
            new ParamDeclaration("U", "orthogonal", null, true),
            new ParamDeclaration("b", "uniform(-0.1, 0.1)", "H", true));
        CellSpec spec = Cells.Check(cell);
        Assert.Equal(InitKind.Xavier, spec.Parameters.Single(p => p.Name == "W").Init.Kind);
        Assert.Equal(new InitSpec(InitKind.Uniform, -0.1, 0.1), spec.Parameters.Single(p => p.Name == "b").Init);
    }

    [Fact]
    public void ModelsCompareByValue()
    {
        CellSpec a = Cells.Check(Cells.Recurrent(Cells.GruEquations));
        CellSpec b = Cells.Check(Cells.Recurrent(Cells.GruEquations));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Cells.Check(Cells.Recurrent(Cells.ChoGruEquations)));
    }

    [Theory]
    [InlineData("h' = tanh(W @ x + q)", new string[0])]
    [InlineData("h' = tanh(W @ x + h[t-2] + h[t-1])", new string[0])]
    [InlineData("h' = tanh(W @ x) + 1e-3 * .5", new string[0])]
    [InlineData("h' = tanh(W @ x", new[] { "SEQ001" })]
    [InlineData("h' = tanh(W @ x, 2)", new[] { "SEQ001" })]
    [InlineData("h' = h[t+1]", new[] { "SEQ001" })]
    [InlineData("h' = 1e999 * h", new[] { "SEQ001" })]
    [InlineData("h' = tanh(W @ x) # comment", new[] { "SEQ001" })]
    public void ParserAcceptsAndRejects(string equation, string[] expected) =>
        Assert.Equal(expected, Cells.ProblemIds(Cells.Recurrent(equation)));

    [Fact]
    public void DeepNesting_IsAnErrorNotAStackOverflow()
    {
        string deep = "h' = " + new string('(', 5000) + "x" + new string(')', 5000);
        Assert.Contains("SEQ001", Cells.ProblemIds(Cells.Recurrent(deep)));
        string negations = "h' = " + new string('-', 5000) + "h";
        Assert.Contains("SEQ001", Cells.ProblemIds(Cells.Recurrent(negations)));
    }

    [Fact]
    public void SyntaxErrorInOneEquation_DoesNotMakeItsNameAParameter()
    {
        // 'a' is broken, so its uses are not reported again as an unknown-shaped parameter.
        Assert.Equal(new[] { "SEQ001" }, Cells.ProblemIds(Cells.Recurrent("a = W @ x +", "h' = tanh(a)")));
    }
}
