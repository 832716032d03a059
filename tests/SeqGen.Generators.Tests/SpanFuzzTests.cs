using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SeqGen.Generators.Analysis;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Tests;

/// <summary>
/// Mutated one-equation cells written as regular, verbatim and raw literals: every diagnostic of
/// the equation stays inside its literal, and where the literal spells the text character for
/// character, it underlines exactly the characters the front end meant.
/// </summary>
public class SpanFuzzTests
{
    private enum LiteralKind { Regular, Verbatim, Raw }

    [Fact]
    public void MutatedEquations_InEveryLiteralKind_MapToTheMeantCharacters()
    {
        var random = new Random(11);
        int exact = 0;
        for (int iteration = 0; iteration < 120; iteration++)
        {
            CellDeclaration cell = FuzzTests.RandomCell(random);
            string equation = cell.Equations[0];
            var kind = (LiteralKind)(iteration % 3);
            string literal = Write(equation, kind);
            string prefix = "using SeqGen;\n[RecurrentCell]\n[Gate(";
            string source = prefix + literal + ")]\npublic partial class C;\n";
            var literalSpan = new Microsoft.CodeAnalysis.Text.TextSpan(prefix.Length, literal.Length);

            var pure = new CellDeclaration("C", CellKind.Recurrent, 0, null, null, null,
                new EquatableArray<string>(new[] { equation }), EquatableArray<ParamDeclaration>.Empty);
            Problem[] meant = CellAnalyzer.Analyze(pure).Problems.Where(p => p.Origin == ProblemOrigin.Equation).ToArray();
            Diagnostic[] reported = GeneratorHarness.Run(source).Diagnostics
                .Where(d => meant.Any(p => p.Code.Id() == d.Id) && d.Location.SourceSpan.Start >= prefix.Length).ToArray();
            Assert.Equal(meant.Length, reported.Length);

            bool spelledPlainly = equation.All(c => c >= ' ' && c <= '~' && c != '"' && c != '\\');
            for (int i = 0; i < meant.Length; i++)
            {
                var span = reported[i].Location.SourceSpan;
                Assert.True(literalSpan.Contains(span) || span.Start == literalSpan.End - QuoteLength(literal, kind),
                    $"{kind} literal {literal}: {reported[i]} lies outside it");
                if (spelledPlainly)
                {
                    Assert.Equal(equation.Substring(meant[i].Range.Start, meant[i].Range.Length), source.Substring(span.Start, span.Length));
                    exact++;
                }
            }
        }
        Assert.True(exact > 20, "too few plainly spelled cases to prove the mapping: " + exact);
    }

    private static int QuoteLength(string literal, LiteralKind kind) => kind == LiteralKind.Raw
        ? literal.Length - literal.TrimEnd('"').Length
        : 1;

    private static string Write(string text, LiteralKind kind)
    {
        switch (kind)
        {
            case LiteralKind.Regular:
                return SymbolDisplay.FormatLiteral(text, quote: true);
            case LiteralKind.Verbatim:
                return "@\"" + text.Replace("\"", "\"\"") + "\"";
            default:
            {
                int longestRun = 0, run = 0;
                foreach (char c in text)
                {
                    run = c == '"' ? run + 1 : 0;
                    longestRun = Math.Max(longestRun, run);
                }
                string quotes = new('"', Math.Max(3, longestRun + 1));
                string indent = "    ";
                string body = string.Join("\n", text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(line => indent + line));
                return quotes + "\n" + body + "\n" + indent + quotes;
            }
        }
    }
}
