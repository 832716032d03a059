using System;

namespace SeqGen;

/// <summary>
/// Declares a recursive (tree) cell: a parent's state computed from its <see cref="Arity"/>
/// children's states, read as <c>h[0]</c> … <c>h[Arity-1]</c>.
/// </summary>
/// <example>
/// <code>
/// [RecursiveCell(Arity = 2)]
/// [Gate("h' = tanh(W @ [h[0]; h[1]] + b)")]
/// public partial class TreeRnn;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RecursiveCellAttribute : Attribute
{
    /// <summary>Number of children of every node; at least 1.</summary>
    public int Arity { get; set; } = 2;

    /// <summary>
    /// Comma-separated names of optional per-node input vectors (e.g. a word vector at each
    /// node of a Tree-LSTM). Defaults to none.
    /// </summary>
    public string Inputs { get; set; } = "";

    /// <inheritdoc cref="RecurrentCellAttribute.Sizes"/>
    public string Sizes { get; set; } = "";

    /// <inheritdoc cref="RecurrentCellAttribute.Output"/>
    public string Output { get; set; } = "";
}
