using System;
using System.ComponentModel;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// Every buffer of a forward and backward pass over a batch of sequences, allocated once.
/// Inputs and output are laid out [T, B, size]; states [B, size].
/// </summary>
public abstract class SequenceWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _inputs, _inputGradients, _initialStates, _initialStateGradients, _finalStates, _finalStateGradients;
    private readonly T[] _outputGradient;
    private readonly int[] _inputSizes, _stateSizes;
    private readonly int _outputSize;

    /// <summary>Allocates the buffers every cell's workspace has; generated workspaces add their tape.</summary>
    protected SequenceWorkspace(object owner, int capacity, int batch, int[] inputSizes, int[] stateSizes, int outputState)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A workspace holds at least one step.");
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "A batch holds at least one sequence.");
        Owner = owner;
        Capacity = capacity;
        _steps = capacity;
        Batch = batch;
        _inputSizes = inputSizes;
        _stateSizes = stateSizes;
        _inputs = Allocate(inputSizes, capacity * batch);
        _inputGradients = Allocate(inputSizes, capacity * batch);
        _initialStates = Allocate(stateSizes, batch);
        _initialStateGradients = Allocate(stateSizes, batch);
        _finalStates = Allocate(stateSizes, batch);
        _finalStateGradients = Allocate(stateSizes, batch);
        _outputSize = stateSizes[outputState];
        _outputGradient = new T[capacity * batch * _outputSize];
        _lengths = new int[batch];
    }

    /// <summary>The cell that made this workspace.</summary>
    public object Owner { get; }

    /// <summary>Steps the last forward pass ran (0 before the first); backward must run as many.</summary>
    internal int ForwardCount { get; set; }

    /// <summary>
    /// Steps in use (1 to <see cref="Capacity"/>; the capacity until set): the views a generated
    /// workspace names after the cell's inputs and states (<c>ws.x</c>, <c>ws.h</c>) cover this
    /// many steps. <c>Forward(ws, steps)</c> sets it; set it before filling inputs for fewer steps.
    /// </summary>
    public int Steps
    {
        get => _steps;
        set
        {
            if (value < 1 || value > Capacity)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Steps must be from 1 to the workspace's capacity {Capacity}.");
            _steps = value;
        }
    }

    private int _steps;

    /// <summary>Steps of the last forward pass already back-propagated; the next <see cref="RecurrentCellBase{T}.StepBackward"/> takes step ForwardCount − 1 − this.</summary>
    internal int BackwardDone { get; set; }

    /// <summary>Most steps a pass may take.</summary>
    public int Capacity { get; }

    /// <summary>Sequences per batch.</summary>
    public int Batch { get; }

    /// <summary>Input <paramref name="input"/> for all steps, [T, B, size]; fill the first steps·B·size elements.</summary>
    public Span<T> Input(int input) => _inputs[input];

    /// <summary>Gradient w.r.t. input <paramref name="input"/>, [T, B, size], written by backward.</summary>
    public Span<T> InputGradient(int input) => _inputGradients[input];

    /// <summary>Initial value of state <paramref name="state"/>, [B, size]; zero unless set.</summary>
    public Span<T> InitialState(int state) => _initialStates[state];

    /// <summary>Gradient w.r.t. the initial state, written by backward.</summary>
    public Span<T> InitialStateGradient(int state) => _initialStateGradients[state];

    /// <summary>Value of state <paramref name="state"/> after the last step of the forward pass.</summary>
    public Span<T> FinalState(int state) => _finalStates[state];

    /// <summary>Gradient of the loss w.r.t. the final state; read by backward. Zero unless set.</summary>
    public Span<T> FinalStateGradient(int state) => _finalStateGradients[state];

    /// <summary>
    /// After backward: the gradient of the loss w.r.t. state <paramref name="state"/> as it was
    /// after step <paramref name="step"/> ([B, size]); step -1 is the initial state. This is
    /// ∂L/∂h_k, the quantity whose decay over t − k shows vanishing gradients.
    /// </summary>
    public abstract Span<T> StateGradient(int state, int step);

    /// <summary>The output state at every step of the last forward pass, [steps, B, size].</summary>
    public abstract Span<T> Output(int steps);

    /// <summary>Input <paramref name="input"/> at step <paramref name="step"/>, [B, size].</summary>
    public Span<T> StepInput(int input, int step) => _inputs[input].AsSpan(RowsOf(step, _inputSizes[input]));

    /// <summary>After backward reached step <paramref name="step"/>: the gradient w.r.t. its input, [B, size].</summary>
    public Span<T> StepInputGradient(int input, int step) => _inputGradients[input].AsSpan(RowsOf(step, _inputSizes[input]));

    /// <summary>The output at step <paramref name="step"/> of the last forward pass, [B, size].</summary>
    public Span<T> StepOutput(int step) => Output(CheckStep(step) + 1).Slice(step * Batch * _outputSize, Batch * _outputSize);

    /// <summary>Gradient of the loss w.r.t. the output at step <paramref name="step"/>, [B, size]; read by backward.</summary>
    public Span<T> StepOutputGradient(int step) => _outputGradient.AsSpan(RowsOf(step, _outputSize));

    private Range RowsOf(int step, int size)
    {
        CheckStep(step);
        return new Range(step * Batch * size, (step + 1) * Batch * size);
    }

    private int CheckStep(int step)
    {
        if ((uint)step >= (uint)Capacity)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be from 0 to {Capacity - 1}.");
        return step;
    }

    /// <summary>Gradient of the loss w.r.t. the output at every step, [T, B, size]; read by backward.</summary>
    public Span<T> OutputGradient(int steps) => _outputGradient.AsSpan(0, steps * Batch * _outputSize);

    /// <summary>
    /// Per-sequence lengths of the batch, or empty for full-length sequences. A step at or past
    /// a sequence's length leaves its states unchanged (the last state is carried to the end) and
    /// takes no gradient: its output gradient is ignored.
    /// </summary>
    public ReadOnlySpan<int> Lengths => _hasLengths ? _lengths : ReadOnlySpan<int>.Empty;

    /// <summary>Sets per-sequence lengths (each from 0 to <see cref="Capacity"/>), or clears them with an empty span.</summary>
    public void SetLengths(ReadOnlySpan<int> lengths)
    {
        if (lengths.IsEmpty)
        {
            _hasLengths = false;
            return;
        }
        if (lengths.Length != Batch)
            throw new ArgumentException($"lengths has {lengths.Length} entries; expected one per sequence of the batch ({Batch}).", nameof(lengths));
        for (int b = 0; b < lengths.Length; b++)
        {
            if (lengths[b] < 0 || lengths[b] > Capacity)
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"lengths[{b}] = {lengths[b]} is not in 0..{Capacity}.");
        }
        lengths.CopyTo(_lengths);
        _hasLengths = true;
    }

    /// <summary>True when step <paramref name="step"/> of sequence <paramref name="sequence"/> is padding.</summary>
    public bool IsPadding(int step, int sequence) => _hasLengths && step >= _lengths[sequence];

    /// <summary>Whether per-sequence lengths are set.</summary>
    public bool HasLengths => _hasLengths;

    private readonly int[] _lengths = Array.Empty<int>();
    private bool _hasLengths;

    /// <summary>
    /// Truncated BPTT: the final states become the next chunk's initial states, so the state is
    /// carried across chunks while gradients stop at the chunk boundary.
    /// </summary>
    public void CarryStates()
    {
        for (int s = 0; s < _finalStates.Length; s++)
            _finalStates[s].CopyTo(_initialStates[s], 0);
    }

    /// <summary>Zeroes every initial state, so the next pass starts afresh.</summary>
    public void ResetStates()
    {
        foreach (T[] state in _initialStates)
            Array.Clear(state);
    }

    /// <summary>Features of input <paramref name="input"/>.</summary>
    public int InputSize(int input) => _inputSizes[input];

    /// <summary>Features of state <paramref name="state"/>.</summary>
    public int StateSize(int state) => _stateSizes[state];

    /// <summary>The buffer behind <see cref="Input"/>, for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected T[] InputArray(int input) => _inputs[input];

    /// <summary>The buffer behind <see cref="InputGradient"/>, for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected T[] InputGradientArray(int input) => _inputGradients[input];

    /// <summary>The buffer behind <see cref="InitialState"/>, for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected T[] InitialStateArray(int state) => _initialStates[state];

    /// <summary>The buffer behind <see cref="InitialStateGradient"/>, for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected T[] InitialStateGradientArray(int state) => _initialStateGradients[state];

    /// <summary>The buffer behind <see cref="FinalState"/>, for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected T[] FinalStateArray(int state) => _finalStates[state];

    /// <summary>The buffer behind <see cref="FinalStateGradient"/>, for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected T[] FinalStateGradientArray(int state) => _finalStateGradients[state];

    /// <summary>The buffer behind <see cref="OutputGradient"/>, for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected T[] OutputGradientArray => _outputGradient;

    private static T[][] Allocate(int[] sizes, int rows)
    {
        var arrays = new T[sizes.Length][];
        for (int i = 0; i < sizes.Length; i++)
            arrays[i] = new T[rows * sizes[i]];
        return arrays;
    }
}
