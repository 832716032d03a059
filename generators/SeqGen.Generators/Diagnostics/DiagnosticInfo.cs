using Microsoft.CodeAnalysis;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;

namespace SeqGen.Generators.Diagnostics;

/// <summary>
/// A diagnostic ready to report: its code, its location in the syntax tree (so
/// <c>#pragma warning disable</c> applies) and its message arguments.
/// </summary>
internal sealed record DiagnosticInfo(ProblemCode Code, Location Location, EquatableArray<string> Args)
{
    public Diagnostic ToDiagnostic()
    {
        var args = new object[Args.Count];
        for (int i = 0; i < args.Length; i++)
            args[i] = Args[i];
        return Diagnostic.Create(DiagnosticDescriptors.For(Code), Location, args);
    }
}

/// <summary>What the transform step yields for one cell: a model to emit (null on errors) and the diagnostics.</summary>
internal sealed record CellResult(Model.CellModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
