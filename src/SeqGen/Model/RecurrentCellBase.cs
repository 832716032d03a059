using System;
using System.ComponentModel;
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
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void BeginForward(SequenceWorkspace<T> workspace, int steps)
    {
        CheckWorkspace(workspace, steps);
        workspace.ForwardCount = steps;
        workspace.BackwardDone = 0;
        workspace.Steps = steps;
    }

    /// <summary>
    /// Starts a sequence driven one step at a time (a decoder whose next input depends on its last
    /// output, an NTM controller): clears the tape, so the next <see cref="StepForward"/> is step 0
    /// and starts from the workspace's initial states.
    /// </summary>
    public void BeginSteps(SequenceWorkspace<T> workspace)
    {
        CheckWorkspace(workspace, 1);
        workspace.ForwardCount = 0;
        workspace.BackwardDone = 0;
    }

    /// <summary>
    /// Runs the next step t (0, 1, ...) from <c>workspace.StepInput(i, t)</c>, which the caller fills
    /// first, writing <c>workspace.StepOutput(t)</c> and the final states, and recording the tape
    /// exactly as <see cref="Forward"/> does. Returns t.
    /// </summary>
    public int StepForward(SequenceWorkspace<T> workspace)
    {
        CheckWorkspace(workspace, 1);
        if (workspace.BackwardDone > 0)
            throw new InvalidOperationException("Backward through this sequence has begun; call BeginSteps to start a new one.");
        int t = workspace.ForwardCount;
        if (t >= workspace.Capacity)
            throw new InvalidOperationException($"The workspace holds {workspace.Capacity} steps and all have run; create a larger one or call BeginSteps.");
        ForwardAt(workspace, t);
        workspace.ForwardCount = t + 1;
        return t;
    }

    /// <summary>
    /// Back-propagates through the last step not yet back-propagated (the last forward step first)
    /// and returns it. Before the call, put the gradient of the loss w.r.t. that step's output in
    /// <c>workspace.StepOutputGradient(t)</c> (for the last step also <c>FinalStateGradient</c>),
    /// and add any other gradient w.r.t. its states to <c>StateGradient(s, t)</c>; after it,
    /// <c>StepInputGradient(i, t)</c> holds the gradient w.r.t. its inputs, so an input computed from
    /// step t − 1's output can pass its gradient on before step t − 1 goes back. When step 0 is done,
    /// the parameter gradients are added and the initial-state gradients written, as
    /// <see cref="Backward"/> does.
    /// </summary>
    public int StepBackward(SequenceWorkspace<T> workspace)
    {
        CheckWorkspace(workspace, 1);
        if (workspace.ForwardCount == 0)
            throw new InvalidOperationException("StepBackward needs the tape of forward steps over the same workspace; call StepForward first.");
        int t = workspace.ForwardCount - 1 - workspace.BackwardDone;
        if (t < 0)
            throw new InvalidOperationException("Every step has been back-propagated; call BeginSteps to start a new sequence.");
        BackwardAt(workspace, t, workspace.ForwardCount);
        workspace.BackwardDone++;
        return t;
    }

    /// <summary>The forward of step <paramref name="t"/> alone (generated).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected abstract void ForwardAt(SequenceWorkspace<T> workspace, int t);

    /// <summary>The backward of step <paramref name="t"/> of a pass of <paramref name="steps"/> steps (generated).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected abstract void BackwardAt(SequenceWorkspace<T> workspace, int t, int steps);

    /// <summary>Checks that a backward call follows a forward over the same workspace and steps.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void BeginBackward(SequenceWorkspace<T> workspace, int steps)
    {
        CheckWorkspace(workspace, steps);
        CallOrder.RequireForward(workspace.ForwardCount, steps, "step", nameof(steps));
        workspace.BackwardDone = steps;
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
