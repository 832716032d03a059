using System.Linq;
using SeqGen.Generators.Analysis;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Tests;

/// <summary>Builds pure cell declarations for front-end tests, without Roslyn.</summary>
internal static class Cells
{
    public static CellDeclaration Recurrent(params string[] equations) =>
        new("C", CellKind.Recurrent, 0, "x", null, null, new EquatableArray<string>(equations), EquatableArray<ParamDeclaration>.Empty);

    public static CellDeclaration Recursive(int arity, params string[] equations) =>
        new("C", CellKind.Recursive, arity, null, null, null, new EquatableArray<string>(equations), EquatableArray<ParamDeclaration>.Empty);

    public static CellDeclaration WithParams(this CellDeclaration cell, params ParamDeclaration[] parameters) =>
        cell with { Params = new EquatableArray<ParamDeclaration>(parameters) };

    public static CellSpec Check(CellDeclaration cell)
    {
        CellAnalysis analysis = CellAnalyzer.Analyze(cell);
        Assert.True(analysis.Spec is not null, "Unexpected problems:\n" + string.Join("\n", analysis.Problems));
        return analysis.Spec!;
    }

    public static string ShapeOf(this CellSpec spec, string parameter) =>
        spec.Parameters.Single(p => p.Name == parameter).Shape.ToString();

    public static string[] ProblemIds(CellDeclaration cell) =>
        CellAnalyzer.Analyze(cell).Problems.Select(p => p.Code.Id()).ToArray();

    public const string ChoGru = "ChoGru";

    public static readonly string[] ChoGruEquations =
    {
        "z = sigmoid(W_z @ x + U_z @ h + b_z)",
        "r = sigmoid(W_r @ x + U_r @ h + b_r)",
        "n = tanh(W_n @ x + U_n @ (r * h) + b_n)",
        "h' = z * h + (1 - z) * n",
    };

    public static readonly string[] GruEquations =
    {
        "r = sigmoid(W_r @ x + b_ir + U_r @ h + b_hr)",
        "z = sigmoid(W_z @ x + b_iz + U_z @ h + b_hz)",
        "n = tanh(W_n @ x + b_in + r * (U_n @ h + b_hn))",
        "h' = (1 - z) * n + z * h",
    };

    public static readonly string[] LstmEquations =
    {
        "i = sigmoid(W_i @ x + U_i @ h + b_i)",
        "f = sigmoid(W_f @ x + U_f @ h + b_f)",
        "o = sigmoid(W_o @ x + U_o @ h + b_o)",
        "g = tanh(W_g @ x + U_g @ h + b_g)",
        "c' = f * c + i * g",
        "h' = o * tanh(c')",
    };
}
