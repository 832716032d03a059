using System;
using System.ComponentModel;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// A generated recursive (tree) cell: computes a batch of parent nodes from their children's
/// states (and optional per-node inputs), and back-propagates through that batch. Tree runners
/// call it level by level.
/// </summary>
public abstract class RecursiveCellBase<T> : CellBase<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A cell owning the parameters <paramref name="parameterInfos"/> describes.</summary>
    protected RecursiveCellBase(ParameterInfo[] parameterInfos)
        : base(parameterInfos)
    {
    }

    /// <summary>Children per node.</summary>
    public abstract int Arity { get; }

    /// <summary>Number of per-node inputs (0 when nodes read only their children).</summary>
    public abstract int InputCount { get; }

    /// <summary>The name of input <paramref name="input"/> in the equations.</summary>
    public abstract string InputName(int input);

    /// <summary>Features of input <paramref name="input"/>.</summary>
    public abstract int InputSize(int input);

    /// <summary>Number of states (h, or h and c for a Tree-LSTM).</summary>
    public abstract int StateCount { get; }

    /// <summary>The name of state <paramref name="state"/> in the equations.</summary>
    public abstract string StateName(int state);

    /// <summary>Features of state <paramref name="state"/>.</summary>
    public abstract int StateSize(int state);

    /// <summary>Index of the state exposed as the output.</summary>
    public abstract int OutputState { get; }

    /// <summary>Allocates the buffers of a batch of up to <paramref name="nodes"/> nodes.</summary>
    public abstract NodeWorkspace<T> CreateWorkspace(int nodes);

    /// <summary>Computes <paramref name="nodes"/> parents from the workspace's child states and inputs.</summary>
    public abstract void Forward(NodeWorkspace<T> workspace, int nodes);

    /// <summary>From new-state gradients to child-state and input gradients (overwritten) and parameter gradients (added).</summary>
    public abstract void Backward(NodeWorkspace<T> workspace, int nodes);

    /// <summary>Checks a forward call's arguments and records how many nodes it runs, for <see cref="BeginBackward"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void BeginForward(NodeWorkspace<T> workspace, int nodes)
    {
        CheckWorkspace(workspace, nodes);
        workspace.ForwardCount = nodes;
    }

    /// <summary>Checks that a backward call follows a forward over the same workspace and nodes.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void BeginBackward(NodeWorkspace<T> workspace, int nodes)
    {
        CheckWorkspace(workspace, nodes);
        CallOrder.RequireForward(workspace.ForwardCount, nodes, "node", nameof(nodes));
    }

    private void CheckWorkspace(NodeWorkspace<T> workspace, int nodes)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
            throw new ArgumentException("The workspace was created by another cell; create one with this cell's CreateWorkspace.", nameof(workspace));
        if (nodes < 1 || nodes > workspace.Capacity)
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, $"nodes must be from 1 to the workspace's capacity {workspace.Capacity}.");
    }
}

/// <summary>Buffers for one batch of tree nodes: per-node inputs and child states in, new states out, [N, size] each.</summary>
public abstract class NodeWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Buffers for up to <paramref name="capacity"/> nodes of the cell <paramref name="owner"/>.</summary>
    protected NodeWorkspace(object owner, int capacity)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A workspace holds at least one node.");
        Owner = owner;
        Capacity = capacity;
    }

    /// <summary>The cell that made this workspace.</summary>
    public object Owner { get; }

    /// <summary>Most nodes a batch may hold.</summary>
    public int Capacity { get; }

    /// <summary>Nodes the last forward pass computed (0 before the first); backward must take as many.</summary>
    internal int ForwardCount { get; set; }

    /// <summary>
    /// The caller's promise that every node of the batch has zero child states (a batch of
    /// leaves): the products that read only children are zero and are skipped, forward and backward.
    /// </summary>
    public bool ChildrenAreZero { get; set; }

    /// <summary>The caller's promise that every node's inputs are zero (inner nodes of a constituency tree): input products are skipped.</summary>
    public bool InputsAreZero { get; set; }

    /// <summary>
    /// The caller's promise that it will not read <see cref="InputGradient"/> after backward (the
    /// inputs are frozen word vectors): the products that only compute input gradients are skipped.
    /// </summary>
    public bool InputGradientsUnused { get; set; }

    /// <summary>Each node's input <paramref name="input"/>, [N, size]; filled by the caller.</summary>
    public abstract Span<T> Input(int input);

    /// <summary>After backward: the gradient w.r.t. each node's input <paramref name="input"/>, [N, size].</summary>
    public abstract Span<T> InputGradient(int input);

    /// <summary>State <paramref name="state"/> of each node's child <paramref name="child"/>.</summary>
    public abstract Span<T> ChildState(int state, int child);

    /// <summary>After backward: the gradient w.r.t. state <paramref name="state"/> of each node's child <paramref name="child"/>.</summary>
    public abstract Span<T> ChildStateGradient(int state, int child);

    /// <summary>After forward: each node's new value of state <paramref name="state"/>, [N, size].</summary>
    public abstract Span<T> NewState(int state);

    /// <summary>Gradient of the loss w.r.t. each node's new state; read by backward.</summary>
    public abstract Span<T> NewStateGradient(int state);
}
