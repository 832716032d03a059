using System;
using SeqGen.Generators.Helpers;

namespace SeqGen.Generators.Language;

/// <summary>
/// Every mistake the front end can find. The numbers are the stable diagnostic ids
/// (<c>SEQ001</c> …); never renumber a shipped one.
/// </summary>
internal enum ProblemCode
{
    SyntaxError = 1,
    UnknownFunction = 2,
    ElementwiseShapeMismatch = 3,
    MatrixProductShapeMismatch = 4,
    ConcatenationShapeMismatch = 5,
    EquationShapeMismatch = 6,
    UsedBeforeDefinition = 7,
    DefinedTwice = 8,
    NewStateUsedBeforeDefinition = 9,
    ParameterKindConflict = 10,
    ShapeNotInferred = 11,
    InvalidLag = 12,
    InvalidChildIndex = 13,
    NoState = 14,
    ParamNamesNothing = 15,
    InvalidInit = 16,
    InvalidShape = 17,
    InvalidSizes = 18,
    InvalidInputs = 19,
    ClassNotPartial = 20,
    ClassIsGeneric = 21,
    ContainingTypeNotPartial = 22,
    UnusedIntermediate = 23,
    UnusedInput = 24,
    InvalidOutput = 25,
    InvalidArity = 26,
    NotAMatrix = 27,
    NotAState = 28,
    ConflictingCellKinds = 29,
    FunctionArgumentShape = 30,
    ClassCannotDerive = 31,
    HiddenParameter = 32,
}

internal static class ProblemCodes
{
    public static string Id(this ProblemCode code) => "SEQ" + ((int)code).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsWarning(this ProblemCode code) =>
        code is ProblemCode.UnusedIntermediate or ProblemCode.UnusedInput or ProblemCode.HiddenParameter;
}

/// <summary>Which piece of the declaration a problem's range refers to.</summary>
internal enum ProblemOrigin
{
    /// <summary>The cell attribute as a whole (no text inside it to point at).</summary>
    CellAttribute,
    /// <summary>The class name.</summary>
    ClassName,
    /// <summary>A <c>[Gate]</c> equation; <see cref="Problem.Index"/> is its position.</summary>
    Equation,
    Inputs,
    Sizes,
    Output,
    Arity,
    /// <summary>A <c>[Param]</c>'s name; <see cref="Problem.Index"/> is the attribute's position.</summary>
    ParamName,
    ParamInit,
    ParamShape,
}

/// <summary>
/// A mistake found by the pure front end: which text it is in, the characters it spans there,
/// and the arguments of its message. Carries no Roslyn types so the front end can be fuzzed.
/// </summary>
internal sealed record Problem(ProblemCode Code, ProblemOrigin Origin, int Index, TextRange Range, EquatableArray<string> Args)
{
    public static Problem Create(ProblemCode code, ProblemOrigin origin, int index, TextRange range, params string[] args) =>
        new(code, origin, index, range, new EquatableArray<string>(args));

    public bool IsError => !Code.IsWarning();

    public override string ToString() =>
        $"{Code.Id()} {Origin}#{Index} {Range}: {string.Join(" | ", Args)}";
}
