namespace SeqGen.Generators.Tests;

/// <summary>Every descriptor: its id on exactly the characters marked in the source.</summary>
public class DiagnosticTests
{
    private static GeneratorRun Verify(string attributes, string className = "C") =>
        new Markup($$"""
            using SeqGen;
            namespace Demo;
            {{attributes}}
            public partial class {{className}};
            """).Verify();

    private static string Message(string attributes) =>
        System.Linq.Enumerable.Single(Verify(attributes).Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void SEQ003_NamesTheOperandsAndTheirShapes() =>
        Assert.Equal("The operands of 'f * x' have different shapes: 'f' is vector[H], 'x' is vector[I]",
            Message("""[RecurrentCell] [Gate("f = sigmoid(h)")] [Gate("h' = tanh({|SEQ003:f * x|})")]"""));

    [Fact]
    public void SEQ003_SaysWhereAParametersShapeCameFrom() =>
        Assert.Equal("The operands of '(b + x)' have different shapes: 'b' is vector[H] (from its first use, in equation 1: a = h + b), 'x' is vector[I]",
            Message("""[RecurrentCell] [Gate("a = h + b")] [Gate("h' = a + {|SEQ003:(b + x)|}")]"""));

    [Fact]
    public void SEQ004_SaysWhereTheMatrixShapeCameFrom() =>
        Assert.Equal("Inner sizes of 'U_z @ x' do not match: 'U_z' is matrix[HxH] (from its first use, in equation 1: z = sigmoid(W_z @ x + U_z @ h + b_z)), 'x' is vector[I]",
            Message("""[RecurrentCell] [Gate("z = sigmoid(W_z @ x + U_z @ h + b_z)")] [Gate("h' = z * h + {|SEQ004:U_z @ x|}")]"""));

    [Fact]
    public void SEQ004_DeclaredShape_IsNamedAsTheOrigin() =>
        Assert.Equal("Inner sizes of 'W @ x' do not match: 'W' is matrix[HxH] (declared Shape = \"H,H\"), 'x' is vector[I]",
            Message("""[RecurrentCell] [Param("W", Shape = "H,H")] [Gate("h' = tanh({|SEQ004:W @ x|})")]"""));

    [Fact]
    public void SEQ001_SyntaxError_OnUnexpectedToken() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x){|SEQ001:)|}")]""");

    [Fact]
    public void SEQ001_SyntaxError_AtEndOfText() =>
        Verify("""[RecurrentCell] [Gate("h' = W @ x +{|SEQ001:|}")]""");

    [Fact]
    public void SEQ001_SyntaxError_MissingName() =>
        Verify("""[RecurrentCell] [Gate("{|SEQ001:=|} W @ x")]""");

    [Fact]
    public void SEQ002_UnknownFunction() =>
        Verify("""[RecurrentCell] [Gate("h' = {|SEQ002:tanhh|}(W @ x)")]""");

    [Fact]
    public void SEQ003_ElementwiseShapeMismatch() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh({|SEQ003:x + h|})")]""");

    [Fact]
    public void SEQ004_MatrixProductInnerSizeMismatch() =>
        Verify("""[RecurrentCell] [Param("W", Shape = "H,H")] [Gate("h' = tanh({|SEQ004:W @ x|})")]""");

    [Fact]
    public void SEQ004_MatrixTimesScalar() =>
        Verify("""[RecurrentCell(Inputs = "")] [Gate("h' = tanh(U @ h + {|SEQ004:W @ 2|})")]""");

    [Fact]
    public void SEQ004_TheReadmeExample_SameMatrixWithAnotherInput() =>
        Verify("""[RecurrentCell] [Gate("z = sigmoid(W_z @ x + U_z @ h + b_z)")] [Gate("h' = z * h + {|SEQ004:U_z @ x|}")]""");

    [Fact]
    public void SEQ005_ConcatenationOfScalar() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ [x; {|SEQ005:2|}])")]""");

    [Fact]
    public void SEQ005_ConcatenationLengthConflict() =>
        Verify("""[RecurrentCell] [Param("W", Shape = "H,H")] [Gate("h' = tanh(W @ {|SEQ005:[x; p]|})")]""");

    [Fact]
    public void SEQ006_EquationShapeMismatch() =>
        Verify("""[RecurrentCell] [Gate("h' = {|SEQ006:x|}")]""");

    [Fact]
    public void SEQ006_ScalarValueForState() =>
        Verify("""[RecurrentCell(Inputs = "")] [Gate("h' = {|SEQ006:2 * 3|}")]""");

    [Fact]
    public void SEQ007_UsedBeforeDefinition() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x + {|SEQ007:a|})")] [Gate("a = U @ h")]""");

    [Fact]
    public void SEQ008_DefinedTwice() =>
        Verify("""[RecurrentCell] [Gate("a = W @ x")] [Gate("{|SEQ008:a|} = U @ h")] [Gate("h' = tanh(a)")]""");

    [Fact]
    public void SEQ008_AssignsToInput() =>
        Verify("""[RecurrentCell] [Gate("{|SEQ008:x|} = W @ h")] [Gate("h' = tanh(U @ x)")]""");

    [Fact]
    public void SEQ009_NewStateUsedBeforeDefinition() =>
        Verify("""[RecurrentCell] [Gate("a = {|SEQ009:h'|} * 2")] [Gate("h' = tanh(W @ x + a)")]""");

    [Fact]
    public void SEQ009_NewStateUsedInItsOwnDefinition() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x + {|SEQ009:h'|})")]""");

    [Fact]
    public void SEQ010_ParameterUsedAsMatrixAndVector() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x + {|SEQ010:W|})")]""");

    [Fact]
    public void SEQ010_DeclaredScalarUsedAsMatrix() =>
        Verify("""[RecurrentCell] [Param("W", Shape = "scalar")] [Gate("h' = tanh({|SEQ010:W|} @ x)")]""");

    [Fact]
    public void SEQ011_ShapeNotInferred() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ [x; {|SEQ011:p|}])")]""");

    [Fact]
    public void SEQ012_LagOfZero() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x + U @ {|SEQ012:h[t-0]|})")]""");

    [Fact]
    public void SEQ012_LagOnIntermediate() =>
        Verify("""[RecurrentCell] [Gate("a = W @ x")] [Gate("h' = tanh(a + {|SEQ012:a[t-1]|})")]""");

    [Fact]
    public void SEQ012_LagInRecursiveCell() =>
        Verify("""[RecursiveCell(Arity = 2)] [Gate("h' = tanh(W @ [h[0]; {|SEQ012:h[t-1]|}])")]""");

    [Fact]
    public void SEQ013_ChildIndexOutOfRange() =>
        Verify("""[RecursiveCell(Arity = 2)] [Gate("h' = tanh(W @ [h[0]; {|SEQ013:h[2]|}] + b)")]""");

    [Fact]
    public void SEQ013_ChildInRecurrentCell() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x + U @ {|SEQ013:h[1]|})")]""");

    [Fact]
    public void SEQ013_BareStateInRecursiveCell() =>
        Verify("""[RecursiveCell(Arity = 2)] [Gate("h' = tanh(W @ {|SEQ013:h|})")]""");

    [Fact]
    public void SEQ014_NoState() =>
        Verify("""[RecurrentCell] [Gate("{|SEQ023:a|} = x * 2")]""", "{|SEQ014:C|}");

    [Fact]
    public void SEQ015_ParamNamesNothing() =>
        Verify("""[RecurrentCell] [Param("{|SEQ015:bogus|}", Init = "0")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ015_ParamNamesAState() =>
        Verify("""[RecurrentCell] [Param("{|SEQ015:h|}", Init = "0")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ016_UnknownInitializer() =>
        Verify("""[RecurrentCell] [Param("b", Init = "{|SEQ016:gaussian|}")] [Gate("h' = tanh(W @ x + b)")]""");

    [Fact]
    public void SEQ016_OrthogonalOnVector() =>
        Verify("""[RecurrentCell] [Param("b", Init = "{|SEQ016:orthogonal|}")] [Gate("h' = tanh(W @ x + b)")]""");

    [Fact]
    public void SEQ017_UnknownSizeSymbolInShape() =>
        Verify("""[RecurrentCell] [Param("W", Shape = "H,{|SEQ017:K|}")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ017_MalformedShape() =>
        Verify("""[RecurrentCell] [Param("W", Shape = "H,I{|SEQ017:,|}H")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ018_SizesNamesNoStateOrInput() =>
        Verify("""[RecurrentCell(Sizes = "{|SEQ018:q|}: P")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ018_SizeSymbolsSharingAnArgument() =>
        Verify("""[RecurrentCell(Sizes = "x: p, h: {|SEQ018:P|}")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ018_InputSizesSharingAnArgument() =>
        Verify("""[RecurrentCell(Inputs = "a, {|SEQ018:A|}")] [Gate("h' = tanh(W @ a + V @ A)")]""");

    [Fact]
    public void SEQ018_MalformedSizes() =>
        Verify("""[RecurrentCell(Sizes = "h {|SEQ018:P|}")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ019_MalformedInputs() =>
        Verify("""[RecurrentCell(Inputs = "x, {|SEQ019:3|}")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ019_InputListedTwice() =>
        Verify("""[RecurrentCell(Inputs = "x, {|SEQ019:x|}")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ026_ArityTooLarge() =>
        Verify("""[RecursiveCell(Arity = {|SEQ026:1000|})] [Gate("h' = tanh(W @ h[0])")]""");

    [Fact]
    public void SEQ020_ClassNotPartial() =>
        new Markup("""
            using SeqGen;
            [RecurrentCell] [Gate("h' = tanh(W @ x)")]
            public class {|SEQ020:C|} { }
            """).Verify();

    [Fact]
    public void SEQ021_ClassIsGeneric() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x)")]""", "{|SEQ021:C|}<T>");

    [Fact]
    public void SEQ022_ContainingTypeNotPartial() =>
        new Markup("""
            using SeqGen;
            public class {|SEQ022:Outer|}
            {
                [RecurrentCell] [Gate("h' = tanh(W @ x)")]
                public partial class C;
            }
            """).Verify();

    [Fact]
    public void SEQ023_UnusedIntermediate() =>
        Verify("""[RecurrentCell] [Gate("{|SEQ023:a|} = x * 2")] [Gate("h' = tanh(U @ x)")]""");

    [Fact]
    public void SEQ024_UnusedInput() =>
        Verify("""[RecurrentCell(Inputs = "x, {|SEQ024:ctx|}")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ024_UnusedDefaultInput_OnAttribute() =>
        Verify("""[{|SEQ024:RecurrentCell|}] [Gate("h' = tanh(U @ h)")]""");

    [Fact]
    public void SEQ025_OutputIsNotAState() =>
        Verify("""[RecurrentCell(Output = "{|SEQ025:c|}")] [Gate("h' = tanh(W @ x)")]""");

    [Fact]
    public void SEQ026_InvalidArity() =>
        Verify("""[RecursiveCell(Arity = {|SEQ026:0|})] [Gate("h' = tanh(W @ {|SEQ013:h[0]|})")]""");

    [Fact]
    public void SEQ027_LeftOfMatrixProductIsNotAParameter() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh({|SEQ027:x|} @ h)")]""");

    [Fact]
    public void SEQ028_PrimedNameIsNotAState() =>
        Verify("""[RecurrentCell] [Gate("h' = tanh(W @ x + {|SEQ028:b'|})")]""");

    [Fact]
    public void SEQ029_BothCellKinds() =>
        Verify("""[RecurrentCell] [RecursiveCell] [Gate("h' = tanh(W @ x)")]""", "{|SEQ029:C|}");

    [Fact]
    public void SEQ031_ClassWithItsOwnBaseClass() =>
        new Markup("""
            using SeqGen;
            public class Base { }
            [RecurrentCell] [Gate("h' = tanh(W @ x)")]
            public partial class {|SEQ031:C|} : Base;
            """).Verify();

    [Fact]
    public void SEQ031_StaticClass() =>
        new Markup("""
            using SeqGen;
            [RecurrentCell] [Gate("h' = tanh(W @ x)")]
            public static partial class {|SEQ031:C|};
            """).Verify();

    [Fact]
    public void SEQ030_LayerNormOfScalar() =>
        Verify("""[RecurrentCell] [Param("g", Shape = "scalar")] [Gate("h' = tanh(W @ x) + {|SEQ030:layernorm(g)|}")]""");

    // A warning, not an error: the cell is generated and compiles, and the parameter is still
    // reachable by name.
    private static void VerifyHidden(string attributes, string parameter)
    {
        GeneratorRun run = new Markup($$"""
            using SeqGen;
            namespace Demo;
            {{attributes}}
            public partial class C;
            static class Use { public static int Length(C cell) => cell.Parameter("{{parameter}}").Length; }
            """).Verify();
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void SEQ032_ParameterNamedLikeAMember_OnItsFirstUse() =>
        VerifyHidden("""[RecurrentCell] [Gate("h' = tanh(W @ x + {|SEQ032:Step|} + U @ h + Step)")]""", "Step");

    [Fact]
    public void SEQ032_ParameterNamedLikeTheClass() =>
        VerifyHidden("""[RecurrentCell] [Gate("h' = tanh({|SEQ032:C|} @ x)")]""", "C");

    [Fact]
    public void SEQ032_ParameterNamedLikeALoopMethod() =>
        VerifyHidden("""[RecurrentCell] [Gate("h' = tanh(W @ x + {|SEQ032:Columns0|})")]""", "Columns0");
}
