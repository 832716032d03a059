using System;
using System.IO;
using SeqGen.Generators.Diagnostics;
using SeqGen.Generators.Language;

namespace SeqGen.Generators.Tests;

/// <summary>The descriptors, the release notes and the README's table of diagnostics tell the same story.</summary>
public class DocumentationTests
{
    private static string RepositoryFile(string relative) =>
        File.ReadAllText(Path.Combine(GoldenFileTests.RepositoryRoot(), relative));

    [Fact]
    public void EveryProblemCode_HasADescriptorWithItsId()
    {
        foreach (ProblemCode code in Enum.GetValues<ProblemCode>())
        {
            var descriptor = DiagnosticDescriptors.For(code);
            Assert.Equal(code.Id(), descriptor.Id);
            Assert.Equal(code.IsWarning(), descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        }
        Assert.Equal(Enum.GetValues<ProblemCode>().Length, DiagnosticDescriptors.All.Count);
    }

    [Fact]
    public void Errors_CannotBeSwitchedOff_WarningsCan()
    {
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            bool fixedSeverity = System.Linq.Enumerable.Contains(descriptor.CustomTags, Microsoft.CodeAnalysis.WellKnownDiagnosticTags.NotConfigurable);
            Assert.Equal(descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error, fixedSeverity);
        }
    }

    [Fact]
    public void ReadmeAndReleaseNotes_ListEveryDiagnostic()
    {
        string readme = RepositoryFile("README.md");
        string releases = RepositoryFile("generators/SeqGen.Generators/AnalyzerReleases.Unshipped.md");
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            Assert.Contains($"| {descriptor.Id} |", readme);
            Assert.Contains($"{descriptor.Id} | SeqGen | {descriptor.DefaultSeverity} | {descriptor.Title}", releases);
        }
    }

    [Fact]
    public void ReadmeExampleCell_PassesTheChecker()
    {
        string readme = RepositoryFile("README.md");
        int start = readme.IndexOf("```csharp", StringComparison.Ordinal) + "```csharp".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        GeneratorRun run = GeneratorHarness.Run(readme.Substring(start, end - start));
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.NotEmpty(run.Sources);
    }
}
