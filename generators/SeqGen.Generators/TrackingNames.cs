namespace SeqGen.Generators;

/// <summary>Names of the pipeline steps, so tests can check what was recomputed and what was cached.</summary>
public static class TrackingNames
{
    /// <summary>Classes with [RecurrentCell], read and checked.</summary>
    public const string RecurrentCells = nameof(RecurrentCells);

    /// <summary>Classes with [RecursiveCell], read and checked.</summary>
    public const string RecursiveCells = nameof(RecursiveCells);

    /// <summary>The checked models that code is emitted from.</summary>
    public const string Models = nameof(Models);

    /// <summary>The diagnostics branch.</summary>
    public const string Diagnostics = nameof(Diagnostics);
}
