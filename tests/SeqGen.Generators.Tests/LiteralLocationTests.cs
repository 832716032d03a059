namespace SeqGen.Generators.Tests;

/// <summary>Diagnostics land on the right characters whatever kind of literal holds the equation.</summary>
public class LiteralLocationTests
{
    [Fact]
    public void RegularLiteralWithEscapes() =>
        new Markup("""
            using SeqGen;
            [RecurrentCell] [Gate("h' =\t\u0020{|SEQ002:tanhh|}(W @ x)")]
            public partial class C;
            """).Verify();

    [Fact]
    public void EscapedCharacter_IsUnderlinedWithItsWholeEscape() =>
        new Markup("""
            using SeqGen;
            [RecurrentCell] [Gate("h' = tanh(W @ x) {|SEQ001:\"|}")]
            public partial class C;
            """).Verify();

    [Fact]
    public void VerbatimDoubledQuote_IsOneCharacter() =>
        new Markup("""
            using SeqGen;
            [RecurrentCell] [Gate(@"h' = tanh(W @ x) {|SEQ001:""|}")]
            public partial class C;
            """).Verify();

    [Fact]
    public void VerbatimLiteralAcrossLines() =>
        new Markup("""
            using SeqGen;
            [RecurrentCell] [Gate(@"h' =
                  {|SEQ002:tanhh|}(W @ x)")]
            public partial class C;
            """).Verify();

    [Fact]
    public void SingleLineRawLiteral() =>
        new Markup("""""
            using SeqGen;
            [RecurrentCell] [Gate("""h' = {|SEQ002:tanhh|}(W @ x)""")]
            public partial class C;
            """"").Verify();

    [Fact]
    public void MultiLineRawLiteral() =>
        new Markup(""""""
            using SeqGen;
            [RecurrentCell]
            [Gate("""
                h' =
                  {|SEQ002:tanhh|}(W @ x)
                """)]
            public partial class C;
            """""").Verify();

    [Fact]
    public void ConstantFromElsewhere_UsesWholeArgument() =>
        new Markup("""
            using SeqGen;
            static class Equations { public const string Step = "h' = tanhh(W @ x)"; }
            [RecurrentCell] [Gate({|SEQ002:Equations.Step|})]
            public partial class C;
            """).Verify();

    [Fact]
    public void PragmaSuppressesWarning()
    {
        var run = GeneratorHarness.Run("""
            using SeqGen;
            #pragma warning disable SEQ023
            [RecurrentCell] [Gate("a = x * 2")] [Gate("h' = tanh(U @ x)")]
            public partial class C;
            """);
        // The diagnostic is reported with a location in the tree, so the compiler can honour the pragma.
        Assert.Contains(run.Diagnostics, d => d.Id == "SEQ023" && d.Location.SourceTree is not null);
    }
}
