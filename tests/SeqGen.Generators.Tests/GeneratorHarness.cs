using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SeqGen.Generators;

namespace SeqGen.Generators.Tests;

/// <summary>Runs the generator over source text the way the compiler does, and reads the results.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Append(typeof(RecurrentCellAttribute).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "UserCells",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Cell{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new SeqGenGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its diagnostics, its sources, and the errors of the compilation that includes them.</summary>
    public static GeneratorRun Run(params string[] sources)
    {
        CSharpCompilation compilation = Compile(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        GeneratorDriverRunResult result = driver.GetRunResult();
        Assert.Empty(result.Results.SelectMany(r => r.Exception is null ? Array.Empty<Exception>() : new[] { r.Exception }));
        return new GeneratorRun(
            result.Diagnostics,
            result.GeneratedTrees.Select(tree => tree.ToString()).ToArray(),
            output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray());
    }
}

internal sealed record GeneratorRun(ImmutableArray<Diagnostic> Diagnostics, string[] Sources, Diagnostic[] CompilationErrors);

/// <summary>
/// Source with expected diagnostics marked in place: <c>{|SEQ003:W_z @ h|}</c> expects SEQ003
/// exactly on <c>W_z @ h</c>.
/// </summary>
internal sealed class Markup
{
    private static readonly Regex Marker = new(@"\{\|(SEQ\d{3}):|\|\}", RegexOptions.Compiled);

    public Markup(string markup)
    {
        var expected = new List<(string Id, TextSpan Span)>();
        var open = new Stack<(string Id, int Start)>();
        var text = new System.Text.StringBuilder();
        int last = 0;
        foreach (Match match in Marker.Matches(markup))
        {
            text.Append(markup, last, match.Index - last);
            last = match.Index + match.Length;
            if (match.Value == "|}")
            {
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, text.Length)));
            }
            else
            {
                open.Push((match.Groups[1].Value, text.Length));
            }
        }
        text.Append(markup, last, markup.Length - last);
        Source = text.ToString();
        Expected = expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal).ToArray();
    }

    public string Source { get; }

    public (string Id, TextSpan Span)[] Expected { get; }

    /// <summary>Runs the generator and checks that it reports exactly the marked diagnostics.</summary>
    public GeneratorRun Verify()
    {
        GeneratorRun run = GeneratorHarness.Run(Source);
        var actual = run.Diagnostics
            .Select(d => (d.Id, d.Location.SourceSpan))
            .OrderBy(e => e.SourceSpan.Start).ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToArray();
        string Show(IEnumerable<(string Id, TextSpan Span)> items) =>
            string.Join("\n", items.Select(i => $"{i.Id} '{Source.Substring(i.Span.Start, i.Span.Length)}' {i.Span}"));
        Assert.True(Expected.SequenceEqual(actual),
            $"Expected:\n{Show(Expected)}\nActual:\n{Show(actual)}\nMessages:\n{string.Join("\n", run.Diagnostics.Select(d => d.ToString()))}");
        return run;
    }
}
