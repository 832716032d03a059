using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SeqGen.Generators.Analysis;
using SeqGen.Generators.Diagnostics;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators;

public sealed partial class SeqGenGenerator
{
    /// <summary>
    /// Reduces a cell class to plain text (its attributes' values), runs the pure front end on
    /// it, and turns the problems found into located diagnostics.
    /// </summary>
    private static CellResult Read(GeneratorAttributeSyntaxContext context, CellKind kind, CancellationToken cancellation)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        AttributeData cellAttribute = context.Attributes[0];
        var sites = new AttributeSites(cellAttribute, syntax, cancellation);
        var problems = new List<Problem>();

        string otherKind = kind == CellKind.Recurrent ? RecursiveCellAttribute : RecurrentCellAttribute;
        bool hasOtherKind = false;
        var gates = new List<string>();
        var parameters = new List<ParamDeclaration>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name == GateAttribute)
            {
                gates.Add(attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? "" : "");
                sites.Gates.Add(attribute);
            }
            else if (name == ParamAttribute)
            {
                parameters.Add(new ParamDeclaration(
                    attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? "" : "",
                    Named<string>(attribute, "Init"),
                    Named<string>(attribute, "Shape"),
                    Named<bool?>(attribute, "Trainable") ?? true));
                sites.Params.Add(attribute);
            }
            else if (name == otherKind)
            {
                hasOtherKind = true;
            }
        }
        if (hasOtherKind)
        {
            // One class, one kind: the recurrent branch reports it, the recursive one stays silent.
            if (kind == CellKind.Recursive)
                return new CellResult(null, EquatableArray<DiagnosticInfo>.Empty);
            problems.Add(Problem.Create(ProblemCode.ConflictingCellKinds, ProblemOrigin.ClassName, 0, default, type.Name));
        }
        CheckClass(type, syntax, problems);

        var declaration = new CellDeclaration(
            type.Name,
            kind,
            Named<int?>(cellAttribute, "Arity") ?? 2,
            Named<string>(cellAttribute, "Inputs"),
            Named<string>(cellAttribute, "Sizes"),
            Named<string>(cellAttribute, "Output"),
            gates.ToEquatableArray(),
            parameters.ToEquatableArray());
        CellAnalysis analysis = CellAnalyzer.Analyze(declaration, cancellation);
        problems.AddRange(analysis.Problems);

        var diagnostics = new List<DiagnosticInfo>();
        bool hasErrors = false;
        foreach (Problem problem in problems)
        {
            hasErrors |= problem.IsError;
            diagnostics.Add(new DiagnosticInfo(problem.Code, sites.Locate(problem), problem.Args));
        }
        CellModel? model = hasErrors || analysis.Spec is null
            ? null
            : new CellModel(Namespace(type), type.Name, AccessibilityOf(type), ContainingTypes(syntax), analysis.Spec);
        return new CellResult(model, diagnostics.ToEquatableArray());
    }

    private static T? Named<T>(AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is T value)
                return value;
        }
        return default;
    }

    private static void CheckClass(INamedTypeSymbol type, ClassDeclarationSyntax syntax, List<Problem> problems)
    {
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            problems.Add(Problem.Create(ProblemCode.ClassNotPartial, ProblemOrigin.ClassName, 0, default, type.Name));
        if (type.TypeParameters.Length > 0)
            problems.Add(Problem.Create(ProblemCode.ClassIsGeneric, ProblemOrigin.ClassName, 0, default, type.Name));
        if (type.IsStatic)
            problems.Add(Problem.Create(ProblemCode.ClassCannotDerive, ProblemOrigin.ClassName, 0, default, type.Name, "is static"));
        else if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType && baseType.TypeKind != TypeKind.Error)
            problems.Add(Problem.Create(ProblemCode.ClassCannotDerive, ProblemOrigin.ClassName, 0, default, type.Name, $"derives from {baseType.Name}"));
        int depth = 0;
        for (SyntaxNode? parent = syntax.Parent; parent is TypeDeclarationSyntax container; parent = parent.Parent, depth++)
        {
            if (!container.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                problems.Add(Problem.Create(ProblemCode.ContainingTypeNotPartial, ProblemOrigin.ClassName, depth + 1, default,
                    type.Name, container.Identifier.ValueText));
            }
        }
    }

    // The generic implementation must be as accessible as the class that derives from it.
    private static string AccessibilityOf(INamedTypeSymbol type) => type.DeclaredAccessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.Private => "private",
        _ => "internal",
    };

    private static string? Namespace(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;

    private static EquatableArray<ContainingType> ContainingTypes(ClassDeclarationSyntax syntax)
    {
        var types = new List<ContainingType>();
        for (SyntaxNode? parent = syntax.Parent; parent is TypeDeclarationSyntax container; parent = parent.Parent)
        {
            string keyword = container switch
            {
                RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
                RecordDeclarationSyntax => "record",
                StructDeclarationSyntax => "struct",
                InterfaceDeclarationSyntax => "interface",
                _ => "class",
            };
            // A generic container is written again with its type parameters, or the part would declare another type.
            types.Insert(0, new ContainingType(keyword, container.Identifier.ValueText + container.TypeParameterList));
        }
        return types.ToEquatableArray();
    }

    /// <summary>
    /// Where each text of a cell was written, so a problem's range inside a text becomes a
    /// location inside the string literal that holds it.
    /// </summary>
    private sealed class AttributeSites(AttributeData cell, ClassDeclarationSyntax syntax, CancellationToken cancellation)
    {
        public List<AttributeData> Gates { get; } = new();

        public List<AttributeData> Params { get; } = new();

        public Location Locate(Problem problem)
        {
            switch (problem.Origin)
            {
                case ProblemOrigin.ClassName:
                    return ClassIdentifier(problem.Index);
                case ProblemOrigin.Equation:
                    return Within(Argument(Gates, problem.Index, null), problem.Range);
                case ProblemOrigin.ParamName:
                    return Within(Argument(Params, problem.Index, null), problem.Range);
                case ProblemOrigin.ParamInit:
                    return Within(Argument(Params, problem.Index, "Init"), problem.Range);
                case ProblemOrigin.ParamShape:
                    return Within(Argument(Params, problem.Index, "Shape"), problem.Range);
                case ProblemOrigin.Inputs:
                case ProblemOrigin.Sizes:
                case ProblemOrigin.Output:
                case ProblemOrigin.Arity:
                    return Within(Argument(cell, problem.Origin.ToString()) ?? CellAttributeSyntax(), problem.Range);
                default:
                    return CellAttributeSyntax()?.GetLocation() ?? syntax.Identifier.GetLocation();
            }
        }

        // Index 0 is the cell's own name; index d the d-th enclosing type.
        private Location ClassIdentifier(int depth)
        {
            SyntaxNode node = syntax;
            for (int i = 0; i < depth && node.Parent is TypeDeclarationSyntax parent; i++)
                node = parent;
            return ((TypeDeclarationSyntax)node).Identifier.GetLocation();
        }

        private Location Within(SyntaxNode? site, TextRange range)
        {
            if (site is null)
                return syntax.Identifier.GetLocation();
            if (site is not ExpressionSyntax expression)
                return site.GetLocation();
            TextSpan span = StringLiteralMap.Locate(expression, range);
            return Location.Create(expression.SyntaxTree, span);
        }

        private SyntaxNode? Argument(List<AttributeData> attributes, int index, string? named) =>
            index < attributes.Count ? Argument(attributes[index], named) : null;

        /// <summary>The expression of a named argument, or of the first positional one when <paramref name="named"/> is null; else the attribute.</summary>
        private SyntaxNode? Argument(AttributeData attribute, string? named)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellation) is not AttributeSyntax attributeSyntax)
                return null;
            foreach (AttributeArgumentSyntax argument in attributeSyntax.ArgumentList?.Arguments ?? default)
            {
                string? name = argument.NameEquals?.Name.Identifier.ValueText;
                if (named is null ? name is null : name == named)
                    return argument.Expression;
            }
            return attributeSyntax;
        }

        private AttributeSyntax? CellAttributeSyntax() => cell.ApplicationSyntaxReference?.GetSyntax(cancellation) as AttributeSyntax;
    }
}
