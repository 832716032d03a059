using System;
using System.IO;
using System.Linq;

namespace SeqGen.Generators.Tests;

/// <summary>
/// The generated source of four stock cells, compared with files checked into Golden/. After an
/// intended change to the emitter, run the tests with SEQGEN_UPDATE_GOLDEN=1 and review the diff.
/// </summary>
public class GoldenFileTests
{
    [Theory]
    [InlineData("ChoGru")]
    [InlineData("Lstm")]
    [InlineData("TreeRnn")]
    [InlineData("TreeLstm")]
    public void GeneratedSource_MatchesGoldenFile(string cell)
    {
        string root = RepositoryRoot();
        string declaration = File.ReadAllText(Path.Combine(root, "src", "SeqGen", "Cells", cell + ".cs"));
        GeneratorRun run = GeneratorHarness.Run(declaration);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        string generated = run.Sources.Single();
        string golden = Path.Combine(root, "tests", "SeqGen.Generators.Tests", "Golden", cell + ".g.cs.golden");
        if (Environment.GetEnvironmentVariable("SEQGEN_UPDATE_GOLDEN") == "1")
            File.WriteAllText(golden, generated);
        Assert.True(File.Exists(golden), $"No golden file {golden}; run with SEQGEN_UPDATE_GOLDEN=1 to create it.");
        string expected = File.ReadAllText(golden).Replace("\r\n", "\n");
        Assert.True(expected == generated,
            $"Generated source of {cell} differs from {golden}; if the change is intended, run with SEQGEN_UPDATE_GOLDEN=1 and review the diff.\n{FirstDifference(expected, generated)}");
    }

    /// <summary>Generated code reads like hand-written code: no multiplications by 1, additions of 0 or loops that never run.</summary>
    [Theory]
    [InlineData("ChoGru")]
    [InlineData("Lstm")]
    [InlineData("TreeRnn")]
    [InlineData("SkipRnn")]
    [InlineData("PeepholeLstm")]
    [InlineData("TreeLstm")]
    public void GeneratedSource_HasNoIdleArithmetic(string cell)
    {
        string declaration = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "SeqGen", "Cells", cell + ".cs"));
        string generated = GeneratorHarness.Run(declaration).Sources.Single();
        var idle = new System.Text.RegularExpressions.Regex(@"[^\w.]1 \* |\* 1(?![\w.])|\+ 0(?![\w.])|\(0 \* |for \(int k = (\d+); k < \1;");
        string[] offending = generated.Split('\n').Where(line => idle.IsMatch(line)).ToArray();
        Assert.True(offending.Length == 0, string.Join("\n", offending));
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
                return $"line {i + 1}:\n- {a[i]}\n+ {b[i]}";
        }
        return $"line counts differ: {a.Length} vs {b.Length}";
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SeqGen.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Repository root not found from " + AppContext.BaseDirectory);
    }
}
