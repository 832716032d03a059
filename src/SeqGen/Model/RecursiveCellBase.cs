using System;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// A generated recursive (tree) cell: computes a batch of parent nodes from their children's
/// states (and optional per-node inputs), and back-propagates through that batch. Tree runners
/// call it level by level.
/// </summary>
public abstract class RecursiveCellBase<T> : CellBase<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected RecursiveCellBase(ParameterInfo[] parameterInfos)
        : base(parameterInfos)
    {
    }

    /// <summary>Children per node.</summary>
    public abstract int Arity { get; }

    public abstract int InputCount { get; }

    public abstract int InputSize(int input);

    public abstract int StateCount { get; }

    public abstract int StateSize(int state);

    public abstract int OutputState { get; }

    public abstract NodeWorkspace<T> CreateWorkspace(int nodes);

    /// <summary>Computes <paramref name="nodes"/> parents from the workspace's child states and inputs.</summary>
    public abstract void Forward(NodeWorkspace<T> workspace, int nodes);

    /// <summary>From new-state gradients to child-state and input gradients (overwritten) and parameter gradients (added).</summary>
    public abstract void Backward(NodeWorkspace<T> workspace, int nodes);

    protected void CheckWorkspace(NodeWorkspace<T> workspace, int nodes)
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
    protected NodeWorkspace(object owner, int capacity)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A workspace holds at least one node.");
        Owner = owner;
        Capacity = capacity;
    }

    public object Owner { get; }

    public int Capacity { get; }

    public abstract Span<T> Input(int input);

    public abstract Span<T> InputGradient(int input);

    /// <summary>State <paramref name="state"/> of each node's child <paramref name="child"/>.</summary>
    public abstract Span<T> ChildState(int state, int child);

    public abstract Span<T> ChildStateGradient(int state, int child);

    public abstract Span<T> NewState(int state);

    /// <summary>Gradient of the loss w.r.t. each node's new state; read by backward.</summary>
    public abstract Span<T> NewStateGradient(int state);
}
