using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;

namespace SeqGen.Trees;

/// <summary>How a <see cref="TreeRunner{T}"/> groups the nodes of a batch of trees into calls of the cell.</summary>
public enum TreeBatching
{
    /// <summary>All nodes whose children are done form one batch of rows: one call (one GEMM per product) per level, across every tree.</summary>
    Level,
    /// <summary>One node per call, in post-order, as the reference implementations run (for comparison).</summary>
    Node,
}

/// <summary>
/// Runs a generated <see cref="RecursiveCellBase{T}"/> over batches of trees of any shapes: leaves
/// from an <see cref="Embedding{T}"/> of their words (as the cell's input x at a leaf with zero
/// children, or, for a cell without inputs, as the leaf's output state), every inner node from its
/// children, level by level, so each product is one GEMM across all trees; then a
/// <see cref="Linear{T}"/> readout and softmax cross-entropy against node labels at every node or
/// only at the roots. Backward runs the levels in reverse. Its parameters are
/// <c>embedding.weight</c>, <c>cell.*</c> and <c>head.*</c>.
/// </summary>
public sealed class TreeRunner<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A runner of <paramref name="cell"/> with leaves from <paramref name="embedding"/> and a readout <paramref name="head"/>.</summary>
    /// <param name="cell">Any generated recursive cell; every inner node must have its arity of children.</param>
    /// <param name="embedding">Word vectors of the leaves: the cell's input size, or (no inputs) its output state's size.</param>
    /// <param name="head">The readout from a node's output state to class logits.</param>
    /// <param name="lossAtEveryNode">Loss at every labelled node (true) or only at the roots.</param>
    /// <param name="batching">Level-batched (the default) or node at a time.</param>
    public TreeRunner(RecursiveCellBase<T> cell, Embedding<T> embedding, Linear<T> head, bool lossAtEveryNode = true, TreeBatching batching = TreeBatching.Level)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(head);
        if (cell.InputCount > 1)
            throw new ArgumentException($"The cell takes {cell.InputCount} inputs; a tree runner gives it one (the leaf's word vector) or none.", nameof(cell));
        int leafSize = cell.InputCount == 1 ? cell.InputSize(0) : cell.StateSize(cell.OutputState);
        if (embedding.Dimension != leafSize)
            throw new ArgumentException($"The embedding's vectors have {embedding.Dimension} features; the cell's leaves need {leafSize} ({(cell.InputCount == 1 ? "its input size" : "its output state's size")}).", nameof(embedding));
        if (head.Inputs != cell.StateSize(cell.OutputState))
            throw new ArgumentException($"The head reads {head.Inputs} features; the cell's output state has {cell.StateSize(cell.OutputState)}.", nameof(head));
        if (!Enum.IsDefined(batching))
            throw new ArgumentOutOfRangeException(nameof(batching), batching, "Unknown batching.");
        Cell = AddChild("cell", cell);
        Embedding = AddChild("embedding", embedding);
        Head = AddChild("head", head);
        LossAtEveryNode = lossAtEveryNode;
        Batching = batching;
    }

    /// <summary>The recursive cell.</summary>
    public RecursiveCellBase<T> Cell { get; }

    /// <summary>The leaves' word vectors.</summary>
    public Embedding<T> Embedding { get; }

    /// <summary>The readout.</summary>
    public Linear<T> Head { get; }

    /// <summary>Whether every labelled node takes a loss, or only the roots.</summary>
    public bool LossAtEveryNode { get; }

    /// <summary>How nodes are grouped into calls of the cell.</summary>
    public TreeBatching Batching { get; }

    /// <summary>A workspace; it grows to the largest batch of trees it has seen and then allocates nothing.</summary>
    public TreeWorkspace<T> CreateWorkspace() => new(this);

    /// <summary>
    /// Runs the trees (their leaves' word ids set, see <see cref="Tree.WithWords"/>) and returns the
    /// mean cross-entropy over the nodes that take a loss (labels of −1 take none).
    /// </summary>
    public T Forward(TreeWorkspace<T> workspace, IReadOnlyList<Tree> trees)
    {
        Run(workspace, trees);
        return workspace.ComputeLoss();
    }

    /// <summary>Runs the trees without a loss; read <see cref="TreeWorkspace{T}.Logits"/> (a row per node that takes a loss).</summary>
    public ReadOnlySpan<T> Predict(TreeWorkspace<T> workspace, IReadOnlyList<Tree> trees)
    {
        Run(workspace, trees);
        return workspace.Logits;
    }

    /// <summary>Back-propagates the last <see cref="Forward"/>'s loss through the head, the cell at every level in reverse, and the leaves' embedding.</summary>
    public void Backward(TreeWorkspace<T> workspace)
    {
        Check(workspace);
        if (!workspace.LossComputed)
            throw new InvalidOperationException("Backward needs the loss of a Forward over the same workspace (Predict computes none); call Forward first.");
        workspace.Backward();
    }

    private void Run(TreeWorkspace<T> workspace, IReadOnlyList<Tree> trees)
    {
        Check(workspace);
        workspace.Forward(trees);
    }

    private void Check(TreeWorkspace<T> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Runner, this))
            throw new ArgumentException("The workspace was created by another runner; create one with this runner's CreateWorkspace.", nameof(workspace));
    }
}
