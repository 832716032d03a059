using System;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// A generated recurrent cell: forward over [T, B, features] recording a tape, BPTT backward,
/// and streaming steps. Runners drive it through this type, with no reflection.
/// </summary>
public abstract class RecurrentCellBase<T> : CellBase<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected RecurrentCellBase(ParameterInfo[] parameterInfos)
        : base(parameterInfos)
    {
    }

    public abstract int InputCount { get; }

    public abstract string InputName(int input);

    public abstract int InputSize(int input);

    public abstract int StateCount { get; }

    public abstract string StateName(int state);

    public abstract int StateSize(int state);

    /// <summary>Index of the state exposed as the output.</summary>
    public abstract int OutputState { get; }

    /// <summary>Allocates everything a forward and backward pass over up to <paramref name="steps"/> steps needs.</summary>
    public abstract SequenceWorkspace<T> CreateWorkspace(int steps, int batch);

    /// <summary>
    /// Runs <paramref name="steps"/> steps over the workspace's inputs ([T, B, size] each) from its
    /// initial states, writing every step's output and the final states, and recording the tape.
    /// </summary>
    public abstract void Forward(SequenceWorkspace<T> workspace, int steps);

    /// <summary>
    /// Back-propagates through the last forward pass: from the workspace's output gradients (every
    /// step) and final-state gradients to input and initial-state gradients (overwritten) and
    /// parameter gradients (added to <see cref="CellBase{T}.Gradients"/>).
    /// </summary>
    public abstract void Backward(SequenceWorkspace<T> workspace, int steps);

    /// <summary>State for streaming inference, one step per call, starting from zero states.</summary>
    public abstract StreamState<T> CreateStream(int batch);

    /// <summary>One streaming step: reads the stream's inputs, advances its states.</summary>
    public abstract void Step(StreamState<T> stream);

    protected void CheckWorkspace(SequenceWorkspace<T> workspace, int steps)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
            throw new ArgumentException("The workspace was created by another cell; create one with this cell's CreateWorkspace.", nameof(workspace));
        if (steps < 1 || steps > workspace.Capacity)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be from 1 to the workspace's capacity {workspace.Capacity}.");
    }
}
