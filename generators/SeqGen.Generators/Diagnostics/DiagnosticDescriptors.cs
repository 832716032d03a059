using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using SeqGen.Generators.Language;

namespace SeqGen.Generators.Diagnostics;

/// <summary>
/// One descriptor per <see cref="ProblemCode"/>, ids in one contiguous block. Ids are stable: a
/// shipped id is never reused (see AnalyzerReleases.Shipped.md).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SeqGen";

    // An error cannot be lowered or switched off (as the Regex generator's): a cell with one has
    // no generated code, so a silenced error would only resurface as missing members.
    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, customTags: WellKnownDiagnosticTags.NotConfigurable);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SyntaxError = Error(
        "SEQ001", "Syntax error in equation",
        "Syntax error: expected {0}, found {1}");

    public static readonly DiagnosticDescriptor UnknownFunction = Error(
        "SEQ002", "Unknown function",
        "Unknown function '{0}'; the functions are {1}");

    public static readonly DiagnosticDescriptor ElementwiseShapeMismatch = Error(
        "SEQ003", "Shape mismatch in an elementwise operation",
        "The operands of '{0}' have different shapes: '{1}' is {2}, '{3}' is {4}");

    public static readonly DiagnosticDescriptor MatrixProductShapeMismatch = Error(
        "SEQ004", "Shape mismatch in a matrix-vector product",
        "Inner sizes of '{0}' do not match: '{1}' is {2}{3}, '{4}' is {5}");

    public static readonly DiagnosticDescriptor ConcatenationShapeMismatch = Error(
        "SEQ005", "Shape mismatch in a concatenation",
        "Concatenation [a; b]: {0}");

    public static readonly DiagnosticDescriptor EquationShapeMismatch = Error(
        "SEQ006", "Equation value does not fit its target",
        "'{0}' is {1}, but its equation computes {2}");

    public static readonly DiagnosticDescriptor UsedBeforeDefinition = Error(
        "SEQ007", "Name used before its definition",
        "'{0}' is used before its definition in equation {1}; equations run in order");

    public static readonly DiagnosticDescriptor DefinedTwice = Error(
        "SEQ008", "Name defined twice",
        "'{0}' is already defined {1}");

    public static readonly DiagnosticDescriptor NewStateUsedBeforeDefinition = Error(
        "SEQ009", "New state used before its definition",
        "The new state {0}' is used before its definition in equation {1}; write {0} for the previous value");

    public static readonly DiagnosticDescriptor ParameterKindConflict = Error(
        "SEQ010", "Parameter used as both matrix and vector",
        "Parameter '{0}' is used as {1} here, but is {2}");

    public static readonly DiagnosticDescriptor ShapeNotInferred = Error(
        "SEQ011", "Parameter shape cannot be inferred",
        "The shape of parameter '{0}' cannot be inferred (known so far: {1}); declare it with [Param(\"{0}\", Shape = \"...\")]");

    public static readonly DiagnosticDescriptor InvalidLag = Error(
        "SEQ012", "Invalid lag",
        "Invalid lag on '{0}': {1}");

    public static readonly DiagnosticDescriptor InvalidChildIndex = Error(
        "SEQ013", "Invalid child state",
        "Invalid child state of '{0}': {1}");

    public static readonly DiagnosticDescriptor NoState = Error(
        "SEQ014", "Cell has no state",
        "The cell has no state: at least one equation must define a new state, such as h' = …");

    public static readonly DiagnosticDescriptor ParamNamesNothing = Error(
        "SEQ015", "[Param] names no parameter",
        "[Param(\"{0}\")] names no parameter: '{0}' is {1}");

    public static readonly DiagnosticDescriptor InvalidInit = Error(
        "SEQ016", "Invalid Init",
        "Invalid Init for '{0}': {1}");

    public static readonly DiagnosticDescriptor InvalidShape = Error(
        "SEQ017", "Invalid Shape",
        "Invalid Shape for '{0}': {1}");

    public static readonly DiagnosticDescriptor InvalidSizes = Error(
        "SEQ018", "Invalid Sizes",
        "Invalid Sizes: {0}");

    public static readonly DiagnosticDescriptor InvalidInputs = Error(
        "SEQ019", "Invalid Inputs",
        "Invalid Inputs: {0}");

    public static readonly DiagnosticDescriptor ClassNotPartial = Error(
        "SEQ020", "Cell class is not partial",
        "Cell class '{0}' must be declared partial so the generator can add its code");

    public static readonly DiagnosticDescriptor ClassIsGeneric = Error(
        "SEQ021", "Cell class is generic",
        "Cell class '{0}' must not be generic");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "SEQ022", "Type containing a cell is not partial",
        "Type '{1}', which contains cell '{0}', must be declared partial");

    public static readonly DiagnosticDescriptor UnusedIntermediate = Warning(
        "SEQ023", "Unused intermediate",
        "Intermediate '{0}' is computed but never used");

    public static readonly DiagnosticDescriptor UnusedInput = Warning(
        "SEQ024", "Unused input",
        "Input '{0}' is never used by the equations");

    public static readonly DiagnosticDescriptor InvalidOutput = Error(
        "SEQ025", "Output is not a state",
        "Output '{0}' is not a state of this cell; the states are: {1}");

    public static readonly DiagnosticDescriptor InvalidArity = Error(
        "SEQ026", "Invalid Arity",
        "Arity {0} is invalid: a recursive cell has from 1 to {1} children");

    public static readonly DiagnosticDescriptor NotAMatrix = Error(
        "SEQ027", "Left operand of @ is not a parameter matrix",
        "The left operand of '@' must be a parameter (a matrix), but {0} is {1}");

    public static readonly DiagnosticDescriptor NotAState = Error(
        "SEQ028", "Primed name is not a state",
        "{0}' has no new value: '{0}' is {1}, not a state");

    public static readonly DiagnosticDescriptor ConflictingCellKinds = Error(
        "SEQ029", "Cell is both recurrent and recursive",
        "'{0}' cannot be both a [RecurrentCell] and a [RecursiveCell]");

    public static readonly DiagnosticDescriptor FunctionArgumentShape = Error(
        "SEQ030", "Function argument has the wrong shape",
        "{0} normalises over a vector's features, but its argument is {1}");

    public static readonly DiagnosticDescriptor ClassCannotDerive = Error(
        "SEQ031", "Cell class cannot take the generated base class",
        "Cell class '{0}' {1}, but the generator makes it derive from {0}<float>");

    public static readonly DiagnosticDescriptor HiddenParameter = Warning(
        "SEQ032", "Parameter gets no named property",
        "Parameter '{0}' is named like {1}, so the cell has no property '{0}' for it; rename it, or read it with Parameter(\"{0}\")");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        SyntaxError,
        UnknownFunction,
        ElementwiseShapeMismatch,
        MatrixProductShapeMismatch,
        ConcatenationShapeMismatch,
        EquationShapeMismatch,
        UsedBeforeDefinition,
        DefinedTwice,
        NewStateUsedBeforeDefinition,
        ParameterKindConflict,
        ShapeNotInferred,
        InvalidLag,
        InvalidChildIndex,
        NoState,
        ParamNamesNothing,
        InvalidInit,
        InvalidShape,
        InvalidSizes,
        InvalidInputs,
        ClassNotPartial,
        ClassIsGeneric,
        ContainingTypeNotPartial,
        UnusedIntermediate,
        UnusedInput,
        InvalidOutput,
        InvalidArity,
        NotAMatrix,
        NotAState,
        ConflictingCellKinds,
        FunctionArgumentShape,
        ClassCannotDerive,
        HiddenParameter,
    };

    public static DiagnosticDescriptor For(ProblemCode code) => code switch
    {
        ProblemCode.SyntaxError => SyntaxError,
        ProblemCode.UnknownFunction => UnknownFunction,
        ProblemCode.ElementwiseShapeMismatch => ElementwiseShapeMismatch,
        ProblemCode.MatrixProductShapeMismatch => MatrixProductShapeMismatch,
        ProblemCode.ConcatenationShapeMismatch => ConcatenationShapeMismatch,
        ProblemCode.EquationShapeMismatch => EquationShapeMismatch,
        ProblemCode.UsedBeforeDefinition => UsedBeforeDefinition,
        ProblemCode.DefinedTwice => DefinedTwice,
        ProblemCode.NewStateUsedBeforeDefinition => NewStateUsedBeforeDefinition,
        ProblemCode.ParameterKindConflict => ParameterKindConflict,
        ProblemCode.ShapeNotInferred => ShapeNotInferred,
        ProblemCode.InvalidLag => InvalidLag,
        ProblemCode.InvalidChildIndex => InvalidChildIndex,
        ProblemCode.NoState => NoState,
        ProblemCode.ParamNamesNothing => ParamNamesNothing,
        ProblemCode.InvalidInit => InvalidInit,
        ProblemCode.InvalidShape => InvalidShape,
        ProblemCode.InvalidSizes => InvalidSizes,
        ProblemCode.InvalidInputs => InvalidInputs,
        ProblemCode.ClassNotPartial => ClassNotPartial,
        ProblemCode.ClassIsGeneric => ClassIsGeneric,
        ProblemCode.ContainingTypeNotPartial => ContainingTypeNotPartial,
        ProblemCode.UnusedIntermediate => UnusedIntermediate,
        ProblemCode.UnusedInput => UnusedInput,
        ProblemCode.InvalidOutput => InvalidOutput,
        ProblemCode.InvalidArity => InvalidArity,
        ProblemCode.NotAMatrix => NotAMatrix,
        ProblemCode.NotAState => NotAState,
        ProblemCode.ConflictingCellKinds => ConflictingCellKinds,
        ProblemCode.FunctionArgumentShape => FunctionArgumentShape,
        ProblemCode.ClassCannotDerive => ClassCannotDerive,
        ProblemCode.HiddenParameter => HiddenParameter,
        _ => throw new System.ArgumentOutOfRangeException(nameof(code)),
    };
}
