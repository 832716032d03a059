using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using SeqGen.Generators.Analysis;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Tests;

/// <summary>
/// Ten thousand mutated cell declarations through the real compiler and generator: whole
/// attribute lists (dropped, repeated, reordered, with wrong or unknown named arguments, constant
/// expressions, verbatim and raw strings) on classes of every shape (structs, records, static,
/// generic, nested, not partial, with members of their own). The generator never throws (CS8785)
/// and never emits code that fails to compile. A hundred declarations share each compilation, so
/// the run takes seconds per thousand; seeded, and a failure names its batch.
/// </summary>
public class DeclarationFuzzTests
{
    private const int Batches = 100, PerBatch = 100, Seed = 20261202;

    private static readonly string[] ExtraAttributes =
    {
        "[Gate()]", "[Gate(null)]", "[Gate(\"\")]", "[Gate(\"a\", \"b\")]", "[Gate(@\"h' = tanh(W @ x + b)\")]",
        "[Gate(\"\"\"h' = tanh(W @ x + U @ h + b)\"\"\")]", "[Gate(\"h' = \" + \"tanh(W @ x + b)\")]", "[Gate(nameof(System.String))]",
        "[Param]", "[Param(\"W\", Init = 3)]", "[Param(\"W\", Init = \"0\", Init = \"1\")]", "[Param(null)]", "[Param(\"b\", Trainable = true, Shape = \"H\")]",
        "[RecurrentCell]", "[RecurrentCell(Inputs = null)]", "[RecurrentCell(Inputs = 3)]", "[RecurrentCell(Bogus = \"x\")]", "[RecursiveCell(Arity = -1)]",
        "[RecursiveCell(Arity = 1 << 20)]", "[RecurrentCell(Inputs = \"x\", Output = \"h\", Sizes = \"h: H\")]", "[System.Obsolete]", "[Gate(\"h' = x\"), Gate(\"h' = x\")]",
    };

    private static readonly string[] Modifiers = { "public", "internal", "public sealed", "public static", "public abstract", "", "file", "public unsafe" };

    private static readonly string[] Kinds = { "class", "class", "class", "struct", "record", "record struct", "interface" };

    private static readonly string[] Bodies =
    {
        ";", "{ }", "{ public int Forward; }", "{ public Self(int x) { } }", "{ public void Step() { } }", "{ private float[] Parameters = null!; }",
        "{ public const string Gate = \"g\"; }", "{ partial void Nothing(); }",
    };

    private static string Declaration(Random random, int index)
    {
        // Half the declarations start from a well-formed cell, so that mutated class shapes and
        // attribute lists meet cells the generator would otherwise emit.
        CellDeclaration cell = random.Next(2) == 0 ? FuzzTests.RandomCell(random) : FuzzTests.RandomCell(random) with
        {
            Kind = CellKind.Recurrent, Inputs = null, Sizes = null, Output = null,
            Equations = new EquatableArray<string>(FuzzTests.Seeds[random.Next(3)]),
            Params = new EquatableArray<ParamDeclaration>(Array.Empty<ParamDeclaration>()),
        };
        var lines = FuzzTests.Attributes(cell).Split('\n').ToList();
        switch (random.Next(6))
        {
            case 0 when lines.Count > 1:
                lines.RemoveAt(random.Next(lines.Count));
                break;
            case 1:
                lines.Insert(random.Next(lines.Count + 1), lines[random.Next(lines.Count)]);
                break;
            case 2 when lines.Count > 1:
            {
                int a = random.Next(lines.Count), b = random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            }
            case 3:
                lines.Insert(random.Next(lines.Count + 1), ExtraAttributes[random.Next(ExtraAttributes.Length)]);
                break;
        }
        string name = $"C{index}";
        bool plain = random.Next(2) == 0;
        string generic = !plain && random.Next(5) == 0 ? "<T>" : "";
        string partial = !plain && random.Next(6) == 0 ? "" : "partial ";
        string kind = plain ? "class" : Kinds[random.Next(Kinds.Length)];
        string body = plain ? ";" : Bodies[random.Next(Bodies.Length)].Replace("Self", name, StringComparison.Ordinal);
        if (kind == "interface" && body.Contains('(', StringComparison.Ordinal))
            body = "{ }";
        var text = new StringBuilder();
        bool nested = random.Next(8) == 0;
        if (nested)
            text.Append("public partial class Outer").Append(index).Append(" {\n");
        text.Append(string.Join("\n", lines)).Append('\n');
        text.Append(plain ? "public" : nested && random.Next(2) == 0 ? "private" : Modifiers[random.Next(Modifiers.Length)]).Append(' ')
            .Append(partial).Append(kind).Append(' ').Append(name).Append(generic).Append(' ').Append(body).Append('\n');
        if (nested)
            text.Append("}\n");
        return text.ToString();
    }

    [Fact]
    public void TenThousandMutatedDeclarations_NeverCrashTheGenerator_NorEmitBrokenCode()
    {
        var random = new Random(Seed);
        int generated = 0, rejected = 0;
        for (int batch = 0; batch < Batches; batch++)
        {
            var source = new StringBuilder("using SeqGen;\n");
            // Half the batches in a block namespace, half in a file-scoped one.
            bool block = batch % 2 == 0;
            source.Append(block ? $"namespace Fuzz{batch} {{\n" : $"namespace Fuzz{batch};\n");
            for (int i = 0; i < PerBatch; i++)
                source.Append(Declaration(random, i));
            if (block)
                source.Append("}\n");
            GeneratorRun run = GeneratorHarness.Run(source.ToString());
            Assert.False(run.Diagnostics.Any(d => d.Id == "CS8785"), $"Seed {Seed}, batch {batch}: the generator threw:\n{string.Join("\n", run.Diagnostics.Where(d => d.Id == "CS8785"))}\n{source}");
            Diagnostic[] broken = run.CompilationErrors.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToArray();
            Assert.True(broken.Length == 0, $"Seed {Seed}, batch {batch}: generated code does not compile:\n{string.Join("\n", broken.Take(5))}\n{source}");
            generated += run.Sources.Length;

            rejected += run.Diagnostics.Count(d => d.Id.StartsWith("SEQ", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);
        }
        // Both outcomes are exercised, or the test would prove little.
        Assert.InRange(generated, 1000, Batches * PerBatch - 1000);
        Assert.True(rejected > 1000, $"only {rejected} SEQ errors");
    }
}
