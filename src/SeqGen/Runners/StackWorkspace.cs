using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Runners;

/// <summary>Every buffer of a stack's forward and backward pass: one workspace per cell and the layers' outputs.</summary>
public sealed class StackWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly RecurrentStack<T> _stack;
    private readonly SequenceWorkspace<T>[] _cells;
    private readonly T[] _input, _inputGradient, _outputGradient;
    private readonly T[][] _raw, _dropped, _masks, _layerGradients;
    private readonly bool[] _isDropped;
    private readonly int[] _lengths;
    private bool _hasLengths;

    internal StackWorkspace(RecurrentStack<T> stack, RecurrentCellBase<T>[] cells, int capacity, int batch)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A workspace holds at least one step.");
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "A batch holds at least one sequence.");
        _stack = stack;
        Capacity = capacity;
        Batch = batch;
        _cells = new SequenceWorkspace<T>[cells.Length];
        for (int i = 0; i < cells.Length; i++)
            _cells[i] = cells[i].CreateWorkspace(capacity, batch);
        int rows = capacity * batch;
        _input = new T[rows * stack.InputSize];
        _inputGradient = new T[rows * stack.InputSize];
        _outputGradient = new T[rows * stack.OutputSize];
        _raw = new T[stack.Layers][];
        _dropped = new T[stack.Layers][];
        _masks = new T[stack.Layers][];
        _layerGradients = new T[stack.Layers][];
        _isDropped = new bool[stack.Layers];
        for (int l = 0; l < stack.Layers; l++)
        {
            _raw[l] = new T[rows * stack.OutputSize];
            _layerGradients[l] = new T[rows * stack.OutputSize];
            if (stack.Dropout > 0 && l < stack.Layers - 1)
            {
                _dropped[l] = new T[rows * stack.OutputSize];
                _masks[l] = new T[rows * stack.OutputSize];
            }
        }
        _lengths = new int[batch];
    }

    internal object Owner => _stack;

    /// <summary>Steps the last forward pass ran (0 before the first); backward must run as many.</summary>
    internal int ForwardCount { get; set; }

    /// <summary>Most steps a pass may take.</summary>
    public int Capacity { get; }

    /// <summary>Sequences per batch.</summary>
    public int Batch { get; }

    /// <summary>The stack's input, [T, B, inputSize].</summary>
    public Span<T> Input => _input;

    /// <summary>Gradient w.r.t. the input, written by backward.</summary>
    public Span<T> InputGradient => _inputGradient;

    /// <summary>The last layer's output, [steps, B, directions·H], forward direction first.</summary>
    public Span<T> Output(int steps) => LayerOutput(_stack.Layers - 1, steps);

    /// <summary>Gradient of the loss w.r.t. the output; read by backward.</summary>
    public Span<T> OutputGradient(int steps) => _outputGradient.AsSpan(0, steps * Batch * _stack.OutputSize);

    /// <summary>The workspace of one cell: its initial and final states and their gradients.</summary>
    public SequenceWorkspace<T> CellWorkspace(int layer, int direction) => _cells[layer * _stack.Directions + direction];

    /// <summary>Initial value of state <paramref name="state"/> of a layer and direction, [B, size]; zero unless set.</summary>
    public Span<T> InitialState(int layer, int direction, int state) => CellWorkspace(layer, direction).InitialState(state);

    /// <summary>The value of state <paramref name="state"/> of a layer and direction after the last step.</summary>
    public Span<T> FinalState(int layer, int direction, int state) => CellWorkspace(layer, direction).FinalState(state);

    /// <summary>After backward: the gradient w.r.t. an initial state.</summary>
    public Span<T> InitialStateGradient(int layer, int direction, int state) => CellWorkspace(layer, direction).InitialStateGradient(state);

    /// <summary>The gradient of the loss w.r.t. a final state; read by backward, zero unless set.</summary>
    public Span<T> FinalStateGradient(int layer, int direction, int state) => CellWorkspace(layer, direction).FinalStateGradient(state);

    /// <summary>
    /// Truncated BPTT: makes every final state the next chunk's initial state, so a long sequence
    /// runs chunk by chunk with its state carried and its gradient cut at the chunk boundary.
    /// </summary>
    public void CarryStates()
    {
        foreach (SequenceWorkspace<T> cell in _cells)
            cell.CarryStates();
    }

    /// <summary>Zeroes every initial state, so the next pass starts afresh (a new stream, a new epoch).</summary>
    public void ResetStates()
    {
        foreach (SequenceWorkspace<T> cell in _cells)
            cell.ResetStates();
    }

    /// <summary>Per-sequence lengths, or empty when every sequence runs all steps.</summary>
    public ReadOnlySpan<int> Lengths => _hasLengths ? _lengths : ReadOnlySpan<int>.Empty;

    /// <summary>Per-sequence lengths (or empty for none); a reversed direction runs backwards over each sequence's own length.</summary>
    public void SetLengths(ReadOnlySpan<int> lengths)
    {
        foreach (SequenceWorkspace<T> cell in _cells)
            cell.SetLengths(lengths);
        _hasLengths = !lengths.IsEmpty;
        if (_hasLengths)
            lengths.CopyTo(_lengths);
    }

    internal Span<T> RawLayerOutput(int layer, int steps) => _raw[layer].AsSpan(0, steps * Batch * _stack.OutputSize);

    /// <summary>Layer <paramref name="layer"/>'s output as the next layer reads it (after dropout, in training).</summary>
    public Span<T> LayerOutput(int layer, int steps) =>
        (_isDropped[layer] ? _dropped[layer] : _raw[layer]).AsSpan(0, steps * Batch * _stack.OutputSize);

    internal Span<T> LayerOutputGradient(int layer, int steps) => _layerGradients[layer].AsSpan(0, steps * Batch * _stack.OutputSize);

    internal void ApplyDropout(int layer, int steps, SeededRandom? random, double probability)
    {
        _isDropped[layer] = random is not null;
        if (random is null)
            return;
        int length = steps * Batch * _stack.OutputSize;
        T keep = T.CreateChecked(1 / (1 - probability));
        Span<T> mask = _masks[layer].AsSpan(0, length), raw = _raw[layer].AsSpan(0, length), dropped = _dropped[layer].AsSpan(0, length);
        for (int i = 0; i < length; i++)
        {
            mask[i] = random.NextDouble() < probability ? T.Zero : keep;
            dropped[i] = raw[i] * mask[i];
        }
    }

    // The gradient w.r.t. a dropped output becomes the gradient w.r.t. the raw output.
    internal void DropoutBackward(int layer, int steps)
    {
        if (!_isDropped[layer])
            return;
        Span<T> gradient = LayerOutputGradient(layer, steps);
        ReadOnlySpan<T> mask = _masks[layer].AsSpan(0, gradient.Length);
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] *= mask[i];
    }
}
