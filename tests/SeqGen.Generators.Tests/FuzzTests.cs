using System;
using System.Collections.Generic;
using System.Linq;
using SeqGen.Generators.Analysis;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Tests;

/// <summary>
/// Random and mutated declarations through parser and analysis: nothing throws, a rejected cell
/// always says why, and every problem points inside the text it is about. Seeded, so a failure
/// reproduces: the message names the seed and the input.
/// </summary>
public class FuzzTests
{
    internal static readonly string[][] Seeds =
    {
        Cells.GruEquations,
        Cells.ChoGruEquations,
        Cells.LstmEquations,
        new[] { "h' = tanh(W @ [x; h] + b)" },
        new[] { "h' = mu * h + (1 - mu) * tanh(W @ x + U @ h + b)" },
        new[] { "h' = tanh(W @ x + U @ h + V @ h[t-3] + b)" },
        new[] { "a = layernorm(W @ x) * g + softplus(b)", "h' = relu(a) + exp(-h) / 2 + log(identity(c))" },
    };

    private static readonly string[] Tokens =
    {
        "h", "h'", "x", "c", "W", "U", "@", "*", "/", "+", "-", "(", ")", "[", "]", ";", "=", "'", "t", "1", "0.5",
        "h[t-1]", "h[0]", "h[t-0]", "sigmoid(", "tanh(", "layernorm(", "foo(", ",", ":", "$", "\"", "\\", "é", "\n",
    };

    private static readonly string[] OptionTexts =
    {
        "x", "x, ctx", "", "x,", "3", "h: P, c: H", "h: 0", "q: H", "H,I", "scalar", "2*H", "H,", "0", "uniform(-1, 1)",
        "uniform(1, -1)", "orthogonal", "xavier", "normal(0, 0.1)", "bogus", "h", "c",
    };

    [Fact]
    public void HundredThousandMutatedCells_NeverThrow_AndRejectionsAlwaysExplain()
    {
        const int Seed = 20261127;
        var random = new Random(Seed);
        int rejected = 0;
        for (int iteration = 0; iteration < 100_000; iteration++)
        {
            CellDeclaration cell = RandomCell(random);
            CellAnalysis analysis;
            try
            {
                analysis = CellAnalyzer.Analyze(cell);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Seed {Seed}, iteration {iteration}: {Show(cell)}\n{e}");
            }
            bool hasError = analysis.Problems.Any(p => p.IsError);
            Assert.True(hasError == (analysis.Spec is null), $"Seed {Seed}, iteration {iteration}: {Show(cell)}\n{string.Join("\n", analysis.Problems)}");
            foreach (Problem problem in analysis.Problems)
                Assert.True(InBounds(cell, problem), $"Out-of-range problem {problem} for {Show(cell)}");
            rejected += hasError ? 1 : 0;
        }
        // The mutations must exercise both outcomes, or the test would prove little.
        Assert.InRange(rejected, 10_000, 99_000);
    }

    [Fact]
    public void MutatedCells_ThroughTheCompiler_NeverCrashTheGenerator_NorEmitBrokenCode()
    {
        var random = new Random(7);
        for (int iteration = 0; iteration < 150; iteration++)
        {
            CellDeclaration cell = RandomCell(random);
            string source = "using SeqGen;\nnamespace Fuzz;\n" + Attributes(cell) + "\npublic partial class C;\n";
            GeneratorRun run = GeneratorHarness.Run(source);
            Assert.DoesNotContain(run.Diagnostics, d => d.Id == "CS8785");
            bool generatorErrors = run.Diagnostics.Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
            Assert.True(generatorErrors || run.Sources.Length == 1, $"No code and no error for:\n{source}");
            // Errors of the user's own code (escapes in strings) aside, the generated code compiles.
            Assert.DoesNotContain(run.CompilationErrors, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        }
    }

    internal static CellDeclaration RandomCell(Random random)
    {
        string[] equations = (string[])Seeds[random.Next(Seeds.Length)].Clone();
        int mutations = random.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            int which = random.Next(equations.Length);
            equations[which] = Mutate(equations[which], random);
        }
        if (random.Next(10) == 0 && equations.Length > 1)
        {
            int a = random.Next(equations.Length), b = random.Next(equations.Length);
            (equations[a], equations[b]) = (equations[b], equations[a]);
        }
        if (random.Next(10) == 0)
            equations = equations.Concat(new[] { equations[random.Next(equations.Length)] }).ToArray();

        var kind = random.Next(6) == 0 ? CellKind.Recursive : CellKind.Recurrent;
        var parameters = new List<ParamDeclaration>();
        for (int p = random.Next(3); p > 0; p--)
        {
            parameters.Add(new ParamDeclaration(
                Pick(random, new[] { "W", "U", "b", "mu", "h", "x", "nothing", "b_f" }),
                random.Next(2) == 0 ? null : MaybeMutate(Pick(random, OptionTexts), random),
                random.Next(2) == 0 ? null : MaybeMutate(Pick(random, OptionTexts), random),
                random.Next(2) == 0));
        }
        return new CellDeclaration(
            "C",
            kind,
            random.Next(-1, 4),
            random.Next(3) == 0 ? MaybeMutate(Pick(random, OptionTexts), random) : null,
            random.Next(4) == 0 ? MaybeMutate(Pick(random, OptionTexts), random) : null,
            random.Next(8) == 0 ? MaybeMutate(Pick(random, OptionTexts), random) : null,
            new EquatableArray<string>(equations),
            new EquatableArray<ParamDeclaration>(parameters.ToArray()));
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string MaybeMutate(string text, Random random) => random.Next(3) == 0 ? Mutate(text, random) : text;

    private static string Mutate(string text, Random random)
    {
        List<string> tokens = SplitTokens(text);
        switch (random.Next(8))
        {
            case 0 when text.Length > 0:
                return text.Remove(random.Next(text.Length), 1);
            case 1 when text.Length > 0:
            {
                int i = random.Next(text.Length);
                return text.Insert(i, text[i].ToString());
            }
            case 2 when text.Length > 1:
            {
                int i = random.Next(text.Length - 1);
                char[] chars = text.ToCharArray();
                (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
                return new string(chars);
            }
            case 3:
                return text.Insert(random.Next(text.Length + 1), Pick(random, Tokens));
            case 4 when tokens.Count > 0:
                tokens.RemoveAt(random.Next(tokens.Count));
                return string.Join(" ", tokens);
            case 5 when tokens.Count > 0:
            {
                int i = random.Next(tokens.Count);
                tokens.Insert(i, tokens[i]);
                return string.Join(" ", tokens);
            }
            case 6 when tokens.Count > 1:
            {
                int a = random.Next(tokens.Count), b = random.Next(tokens.Count);
                (tokens[a], tokens[b]) = (tokens[b], tokens[a]);
                return string.Join(" ", tokens);
            }
            case 7 when tokens.Count > 0:
                tokens[random.Next(tokens.Count)] = Pick(random, Tokens);
                return string.Join(" ", tokens);
            default:
                return Pick(random, Tokens) + text;
        }
    }

    private static List<string> SplitTokens(string text) =>
        Lexer.Tokenize(text).Where(t => t.Kind != TokenKind.End).Select(t => t.Text).ToList();

    private static bool InBounds(CellDeclaration cell, Problem problem)
    {
        string? text = problem.Origin switch
        {
            ProblemOrigin.Equation => cell.Equations[problem.Index],
            ProblemOrigin.Inputs => cell.Inputs ?? "",
            ProblemOrigin.Sizes => cell.Sizes ?? "",
            ProblemOrigin.Output => cell.Output ?? "",
            ProblemOrigin.ParamName => cell.Params[problem.Index].Name,
            ProblemOrigin.ParamInit => cell.Params[problem.Index].Init ?? "",
            ProblemOrigin.ParamShape => cell.Params[problem.Index].Shape ?? "",
            _ => "",
        };
        return problem.Range.Start >= 0 && problem.Range.End <= (text?.Length ?? 0);
    }

    private static string Show(CellDeclaration cell) =>
        $"{cell.Kind} arity {cell.Arity} inputs «{cell.Inputs}» sizes «{cell.Sizes}» output «{cell.Output}»\n" +
        string.Join("\n", cell.Equations.Select(e => "  «" + e + "»")) + "\n" +
        string.Join("\n", cell.Params.Select(p => $"  [Param «{p.Name}» init «{p.Init}» shape «{p.Shape}» {p.Trainable}]"));

    internal static string Attributes(CellDeclaration cell)
    {
        string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);
        var named = new List<string>();
        if (cell.Kind == CellKind.Recursive)
            named.Add("Arity = " + cell.Arity);
        if (cell.Inputs is not null) named.Add("Inputs = " + Literal(cell.Inputs));
        if (cell.Sizes is not null) named.Add("Sizes = " + Literal(cell.Sizes));
        if (cell.Output is not null) named.Add("Output = " + Literal(cell.Output));
        string kind = cell.Kind == CellKind.Recurrent ? "RecurrentCell" : "RecursiveCell";
        var lines = new List<string> { $"[{kind}({string.Join(", ", named)})]" };
        lines.AddRange(cell.Equations.Select(e => $"[Gate({Literal(e)})]"));
        foreach (ParamDeclaration p in cell.Params)
        {
            var parts = new List<string> { Literal(p.Name) };
            if (p.Init is not null) parts.Add("Init = " + Literal(p.Init));
            if (p.Shape is not null) parts.Add("Shape = " + Literal(p.Shape));
            if (!p.Trainable) parts.Add("Trainable = false");
            lines.Add($"[Param({string.Join(", ", parts)})]");
        }
        return string.Join("\n", lines);
    }
}
