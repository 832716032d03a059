using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqGen.Generators.Diagnostics;
using SeqGen.Generators.Emission;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Model;

namespace SeqGen.Generators;

/// <summary>
/// Reads cells declared with [RecurrentCell] or [RecursiveCell] and their [Gate] equations,
/// checks them, reports every mistake on the characters it concerns, and emits the cell's code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class SeqGenGenerator : IIncrementalGenerator
{
    internal const string RecurrentCellAttribute = "SeqGen.RecurrentCellAttribute";
    internal const string RecursiveCellAttribute = "SeqGen.RecursiveCellAttribute";
    internal const string GateAttribute = "SeqGen.GateAttribute";
    internal const string ParamAttribute = "SeqGen.ParamAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // The attribute lookup is the cheapest filter Roslyn offers: only classes carrying the
        // attribute are ever looked at, and only when their syntax tree changed.
        IncrementalValuesProvider<CellResult> recurrent = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                RecurrentCellAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, cancellation) => Read(context, CellKind.Recurrent, cancellation))
            .WithTrackingName(TrackingNames.RecurrentCells);

        IncrementalValuesProvider<CellResult> recursive = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                RecursiveCellAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, cancellation) => Read(context, CellKind.Recursive, cancellation))
            .WithTrackingName(TrackingNames.RecursiveCells);

        Register(context, recurrent);
        Register(context, recursive);
    }

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<CellResult> cells)
    {
        // Code comes from the model alone: it carries no locations, so an edit that moves a cell
        // without changing it leaves the emitted source cached.
        IncrementalValuesProvider<CellModel> models = cells
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, static (output, model) =>
            output.AddSource(model.HintName, Emission.CellEmitter.Emit(model)));

        // Diagnostics carry locations and so change with every edit of their file: their own
        // branch keeps them from invalidating the models.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = cells
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, infos) =>
        {
            foreach (DiagnosticInfo info in infos)
                output.ReportDiagnostic(info.ToDiagnostic());
        });
    }

}
