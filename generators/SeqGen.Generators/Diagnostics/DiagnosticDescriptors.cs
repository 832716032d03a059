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

    public static readonly DiagnosticDescriptor SyntaxError = new(
        "SEQ001", "Syntax error in equation",
        "Syntax error: expected {0}, found {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownFunction = new(
        "SEQ002", "Unknown function",
        "Unknown function '{0}'; the functions are {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ElementwiseShapeMismatch = new(
        "SEQ003", "Shape mismatch in an elementwise operation",
        "The operands of {0} have different shapes: {1} and {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MatrixProductShapeMismatch = new(
        "SEQ004", "Shape mismatch in a matrix-vector product",
        "Inner sizes of '{0} @ …' do not match: '{0}' is {1}, the right operand is {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ConcatenationShapeMismatch = new(
        "SEQ005", "Shape mismatch in a concatenation",
        "Concatenation [a; b]: {0}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EquationShapeMismatch = new(
        "SEQ006", "Equation value does not fit its target",
        "'{0}' is {1}, but its equation computes {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UsedBeforeDefinition = new(
        "SEQ007", "Name used before its definition",
        "'{0}' is used before its definition in equation {1}; equations run in order",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DefinedTwice = new(
        "SEQ008", "Name defined twice",
        "'{0}' is already defined {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NewStateUsedBeforeDefinition = new(
        "SEQ009", "New state used before its definition",
        "The new state {0}' is used before its definition in equation {1}; write {0} for the previous value",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ParameterKindConflict = new(
        "SEQ010", "Parameter used as both matrix and vector",
        "Parameter '{0}' is used as {1} here, but is {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ShapeNotInferred = new(
        "SEQ011", "Parameter shape cannot be inferred",
        "The shape of parameter '{0}' cannot be inferred (known so far: {1}); declare it with [Param(\"{0}\", Shape = \"...\")]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidLag = new(
        "SEQ012", "Invalid lag",
        "Invalid lag on '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidChildIndex = new(
        "SEQ013", "Invalid child state",
        "Invalid child state of '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoState = new(
        "SEQ014", "Cell has no state",
        "The cell has no state: at least one equation must define a new state, such as h' = …",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ParamNamesNothing = new(
        "SEQ015", "[Param] names no parameter",
        "[Param(\"{0}\")] names no parameter: '{0}' is {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidInit = new(
        "SEQ016", "Invalid Init",
        "Invalid Init for '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidShape = new(
        "SEQ017", "Invalid Shape",
        "Invalid Shape for '{0}': {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidSizes = new(
        "SEQ018", "Invalid Sizes",
        "Invalid Sizes: {0}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidInputs = new(
        "SEQ019", "Invalid Inputs",
        "Invalid Inputs: {0}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassNotPartial = new(
        "SEQ020", "Cell class is not partial",
        "Cell class '{0}' must be declared partial so the generator can add its code",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassIsGeneric = new(
        "SEQ021", "Cell class is generic",
        "Cell class '{0}' must not be generic",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = new(
        "SEQ022", "Type containing a cell is not partial",
        "Type '{1}', which contains cell '{0}', must be declared partial",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnusedIntermediate = new(
        "SEQ023", "Unused intermediate",
        "Intermediate '{0}' is computed but never used",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnusedInput = new(
        "SEQ024", "Unused input",
        "Input '{0}' is never used by the equations",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidOutput = new(
        "SEQ025", "Output is not a state",
        "Output '{0}' is not a state of this cell; the states are: {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidArity = new(
        "SEQ026", "Invalid Arity",
        "Arity {0} is invalid: a recursive cell has from 1 to {1} children",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAMatrix = new(
        "SEQ027", "Left operand of @ is not a parameter matrix",
        "The left operand of '@' must be a parameter (a matrix), but {0} is {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAState = new(
        "SEQ028", "Primed name is not a state",
        "{0}' has no new value: '{0}' is {1}, not a state",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ConflictingCellKinds = new(
        "SEQ029", "Cell is both recurrent and recursive",
        "'{0}' cannot be both a [RecurrentCell] and a [RecursiveCell]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FunctionArgumentShape = new(
        "SEQ030", "Function argument has the wrong shape",
        "{0} normalises over a vector's features, but its argument is {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassCannotDerive = new(
        "SEQ031", "Cell class cannot take the generated base class",
        "Cell class '{0}' {1}, but the generator makes it derive from {0}<float>",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor HiddenParameter = new(
        "SEQ032", "Parameter gets no named property",
        "Parameter '{0}' is named like {1}, so the cell has no property '{0}' for it; rename it, or read it with Parameter(\"{0}\")",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

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
