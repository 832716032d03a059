using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

/// <summary>A <c>[Param]</c> as written; null texts were not given.</summary>
internal sealed record ParamDeclaration(string Name, string? Init, string? Shape, bool Trainable);

/// <summary>
/// A cell declaration as written in its attributes, reduced to plain text and numbers so the
/// front end can run (and be fuzzed) without Roslyn. Null option texts were not given.
/// </summary>
internal sealed record CellDeclaration(
    string ClassName,
    CellKind Kind,
    int Arity,
    string? Inputs,
    string? Sizes,
    string? Output,
    EquatableArray<string> Equations,
    EquatableArray<ParamDeclaration> Params);

/// <summary>The result of the front end: a checked cell (null when any error was found) and every problem.</summary>
internal sealed record CellAnalysis(CellSpec? Spec, EquatableArray<Problem> Problems);
