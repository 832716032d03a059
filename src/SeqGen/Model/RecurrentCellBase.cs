using System;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// A generated recurrent cell: forward over [T, B, features] recording a tape, BPTT backward,
/// and streaming steps. Runners drive it through this type, with no reflection.
/// </summary>
public abstract class RecurrentCellBase<T> : CellBase<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A cell owning the parameters <paramref name="parameterInfos"/> describes.</summary>
    protected RecurrentCellBase(ParameterInfo[] parameterInfos)
        : base(parameterInfos)
    {
    }

    /// <summary>Number of per-step inputs.</summary>
    public abstract int InputCount { get; }

    /// <summary>The name of input <paramref name="input"/> in the equations.</summary>
    public abstract string InputName(int input);

    /// <summary>Features of input <paramref name="input"/>.</summary>
    public abstract int InputSize(int input);

    /// <summary>Number of states (h, or h and c for an LSTM).</summary>
    public abstract int StateCount { get; }

    /// <summary>The name of state <paramref name="state"/> in the equations.</summary>
    public abstract string StateName(int state);

    /// <summary>Features of state <paramref name="state"/>.</summary>
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
    /// parameter gradients (added to <see cref="Module{T}.Gradients"/>).
    /// </summary>
    public abstract void Backward(SequenceWorkspace<T> workspace, int steps);

    /// <summary>State for streaming inference, one step per call, starting from zero states.</summary>
    public abstract StreamState<T> CreateStream(int batch);

    /// <summary>One streaming step: reads the stream's inputs, advances its states.</summary>
    public abstract void Step(StreamState<T> stream);

    /// <summary>Checks a forward call's arguments and records how many steps it runs, for <see cref="BeginBackward"/>.</summary>
    protected void BeginForward(SequenceWorkspace<T> workspace, int steps)
    {
        CheckWorkspace(workspace, steps);
        workspace.ForwardCount = steps;
    }

    /// <summary>Checks that a backward call follows a forward over the same workspace and steps.</summary>
    protected void BeginBackward(SequenceWorkspace<T> workspace, int steps)
    {
        CheckWorkspace(workspace, steps);
        if (workspace.ForwardCount == 0)
            throw new InvalidOperationException("Backward needs the tape of a Forward over the same workspace; call Forward first.");
        if (workspace.ForwardCount != steps)
            throw new ArgumentException($"Backward over {steps} step(s), but the last Forward ran {workspace.ForwardCount}; pass the same steps.", nameof(steps));
    }

    private void CheckWorkspace(SequenceWorkspace<T> workspace, int steps)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
            throw new ArgumentException("The workspace was created by another cell; create one with this cell's CreateWorkspace.", nameof(workspace));
        if (steps < 1 || steps > workspace.Capacity)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be from 1 to the workspace's capacity {workspace.Capacity}.");
    }
}
