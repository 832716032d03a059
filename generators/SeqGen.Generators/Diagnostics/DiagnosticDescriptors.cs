using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using SeqGen.Generators.Language;

namespace SeqGen.Generators.Diagnostics;

/// <summary>
/// One descriptor per <see cref="ProblemCode"/>. Ids are stable: a shipped id is never reused
/// (see AnalyzerReleases.Shipped.md).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SeqGen";

    private static readonly Dictionary<ProblemCode, DiagnosticDescriptor> ByCode = new()
    {
        [ProblemCode.SyntaxError] = Error(ProblemCode.SyntaxError, "Syntax error in equation",
            "Syntax error: expected {0}, found {1}"),
        [ProblemCode.UnknownFunction] = Error(ProblemCode.UnknownFunction, "Unknown function",
            "Unknown function '{0}'; the functions are {1}"),
        [ProblemCode.ElementwiseShapeMismatch] = Error(ProblemCode.ElementwiseShapeMismatch, "Shape mismatch in an elementwise operation",
            "The operands of {0} have different shapes: {1} and {2}"),
        [ProblemCode.MatrixProductShapeMismatch] = Error(ProblemCode.MatrixProductShapeMismatch, "Shape mismatch in a matrix-vector product",
            "Inner sizes of '{0} @ …' do not match: '{0}' is {1}, the right operand is {2}"),
        [ProblemCode.ConcatenationShapeMismatch] = Error(ProblemCode.ConcatenationShapeMismatch, "Shape mismatch in a concatenation",
            "Concatenation [a; b]: {0}"),
        [ProblemCode.EquationShapeMismatch] = Error(ProblemCode.EquationShapeMismatch, "Equation value does not fit its target",
            "'{0}' is {1}, but its equation computes {2}"),
        [ProblemCode.UsedBeforeDefinition] = Error(ProblemCode.UsedBeforeDefinition, "Name used before its definition",
            "'{0}' is used before its definition in equation {1}; equations run in order"),
        [ProblemCode.DefinedTwice] = Error(ProblemCode.DefinedTwice, "Name defined twice",
            "'{0}' is already defined {1}"),
        [ProblemCode.NewStateUsedBeforeDefinition] = Error(ProblemCode.NewStateUsedBeforeDefinition, "New state used before its definition",
            "The new state {0}' is used before its definition in equation {1}; write {0} for the previous value"),
        [ProblemCode.ParameterKindConflict] = Error(ProblemCode.ParameterKindConflict, "Parameter used as both matrix and vector",
            "Parameter '{0}' is used as {1} here, but is {2}"),
        [ProblemCode.ShapeNotInferred] = Error(ProblemCode.ShapeNotInferred, "Parameter shape cannot be inferred",
            "The shape of parameter '{0}' cannot be inferred (known so far: {1}); declare it with [Param(\"{0}\", Shape = \"...\")]"),
        [ProblemCode.InvalidLag] = Error(ProblemCode.InvalidLag, "Invalid lag",
            "Invalid lag on '{0}': {1}"),
        [ProblemCode.InvalidChildIndex] = Error(ProblemCode.InvalidChildIndex, "Invalid child state",
            "Invalid child state of '{0}': {1}"),
        [ProblemCode.NoState] = Error(ProblemCode.NoState, "Cell has no state",
            "The cell has no state: at least one equation must define a new state, such as h' = …"),
        [ProblemCode.ParamNamesNothing] = Error(ProblemCode.ParamNamesNothing, "[Param] names no parameter",
            "[Param(\"{0}\")] names no parameter: '{0}' is {1}"),
        [ProblemCode.InvalidInit] = Error(ProblemCode.InvalidInit, "Invalid Init",
            "Invalid Init for '{0}': {1}"),
        [ProblemCode.InvalidShape] = Error(ProblemCode.InvalidShape, "Invalid Shape",
            "Invalid Shape for '{0}': {1}"),
        [ProblemCode.InvalidSizes] = Error(ProblemCode.InvalidSizes, "Invalid Sizes",
            "Invalid Sizes: {0}"),
        [ProblemCode.InvalidInputs] = Error(ProblemCode.InvalidInputs, "Invalid Inputs",
            "Invalid Inputs: {0}"),
        [ProblemCode.ClassNotPartial] = Error(ProblemCode.ClassNotPartial, "Cell class is not partial",
            "Cell class '{0}' must be declared partial so the generator can add its code"),
        [ProblemCode.ClassIsGeneric] = Error(ProblemCode.ClassIsGeneric, "Cell class is generic",
            "Cell class '{0}' must not be generic; the element type is chosen per call"),
        [ProblemCode.ContainingTypeNotPartial] = Error(ProblemCode.ContainingTypeNotPartial, "Type containing a cell is not partial",
            "Type '{1}', which contains cell '{0}', must be declared partial"),
        [ProblemCode.UnusedIntermediate] = Warning(ProblemCode.UnusedIntermediate, "Unused intermediate",
            "Intermediate '{0}' is computed but never used"),
        [ProblemCode.UnusedInput] = Warning(ProblemCode.UnusedInput, "Unused input",
            "Input '{0}' is never used by the equations"),
        [ProblemCode.InvalidOutput] = Error(ProblemCode.InvalidOutput, "Output is not a state",
            "Output '{0}' is not a state of this cell; the states are: {1}"),
        [ProblemCode.InvalidArity] = Error(ProblemCode.InvalidArity, "Invalid Arity",
            "Arity {0} is invalid: a recursive cell has from 1 to {1} children"),
        [ProblemCode.NotAMatrix] = Error(ProblemCode.NotAMatrix, "Left operand of @ is not a parameter matrix",
            "The left operand of '@' must be a parameter (a matrix), but {0} is {1}"),
        [ProblemCode.NotAState] = Error(ProblemCode.NotAState, "Primed name is not a state",
            "{0}' has no new value: '{0}' is {1}, not a state"),
        [ProblemCode.ConflictingCellKinds] = Error(ProblemCode.ConflictingCellKinds, "Cell is both recurrent and recursive",
            "'{0}' cannot be both a [RecurrentCell] and a [RecursiveCell]"),
        [ProblemCode.FunctionArgumentShape] = Error(ProblemCode.FunctionArgumentShape, "Function argument has the wrong shape",
            "{0} normalises over a vector's features, but its argument is {1}"),
    };

    public static DiagnosticDescriptor For(ProblemCode code) => ByCode[code];

    public static IEnumerable<DiagnosticDescriptor> All => ByCode.Values;

    private static DiagnosticDescriptor Error(ProblemCode code, string title, string message) =>
        new(code.Id(), title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(ProblemCode code, string title, string message) =>
        new(code.Id(), title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
