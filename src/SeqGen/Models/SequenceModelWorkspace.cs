using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Models;

/// <summary>
/// Every buffer of a <see cref="SequenceModel{T}"/>'s pass over one batch, allocated once: the
/// batch's inputs (token ids or vectors, time-major [T, B]), lengths and targets, the encoder's
/// workspace, the readout and every head layer's output and gradient. Views are sized to the
/// <see cref="Steps"/> and rows in use.
/// </summary>
public sealed class SequenceModelWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly SequenceModel<T> _model;
    private readonly int[] _tokens, _classTargets, _lengths, _compactClasses;
    private readonly T[] _valueTargets, _readout, _readoutGradient, _compactOutput, _compactGradient, _compactValues;
    private readonly T[][] _activations, _activationGradients;
    private int _steps;
    private bool _hasLengths;

    internal SequenceModelWorkspace(SequenceModel<T> model, int capacity, int batch)
    {
        _model = model;
        Stack = model.Encoder.CreateWorkspace(capacity, batch);
        Capacity = capacity;
        Batch = batch;
        _steps = capacity;
        int maxRows = model.Readout == Readout.EveryStep ? capacity * batch : batch;
        int outputs = model.OutputSize;
        _tokens = new int[model.Embedding is null ? 0 : capacity * batch];
        _lengths = new int[batch];
        _classTargets = new int[maxRows];
        _valueTargets = new T[maxRows * outputs];
        bool pooled = model.Readout != Readout.EveryStep;
        _readout = new T[pooled ? batch * model.ReadoutSize : 0];
        _readoutGradient = new T[_readout.Length];
        _activations = new T[model.Head.Length][];
        _activationGradients = new T[model.Head.Length][];
        for (int i = 0; i < model.Head.Length; i++)
        {
            _activations[i] = new T[maxRows * model.Head[i].Outputs];
            _activationGradients[i] = new T[maxRows * model.Head[i].Outputs];
        }
        _compactOutput = new T[maxRows * outputs];
        _compactGradient = new T[maxRows * outputs];
        _compactValues = new T[maxRows * outputs];
        _compactClasses = new int[maxRows];
    }

    internal SequenceModel<T> Model => _model;

    internal bool LossComputed { get; set; }

    /// <summary>The encoder's workspace: its initial and final states, <see cref="StackWorkspace{T}.CarryStates"/> and <see cref="StackWorkspace{T}.ResetStates"/>.</summary>
    public StackWorkspace<T> Stack { get; }

    /// <summary>Most steps a batch may have.</summary>
    public int Capacity { get; }

    /// <summary>Sequences per batch.</summary>
    public int Batch { get; }

    /// <summary>Steps of the current batch (1 to <see cref="Capacity"/>); <c>Load</c> sets it to the longest sequence.</summary>
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

    /// <summary>Rows the head and loss see: Steps·B for <see cref="Readout.EveryStep"/>, B otherwise.</summary>
    public int Rows => _model.Readout == Readout.EveryStep ? _steps * Batch : Batch;

    /// <summary>Token ids of the batch, time-major [Steps, B] (id of sequence b at step t at t·B + b).</summary>
    public Span<int> Tokens => _model.Embedding is null
        ? throw new InvalidOperationException("The model reads dense inputs; fill Inputs instead of Tokens.")
        : _tokens.AsSpan(0, _steps * Batch);

    /// <summary>Dense inputs of the batch, [Steps, B, features].</summary>
    public Span<T> Inputs => _model.Embedding is not null
        ? throw new InvalidOperationException("The model embeds token ids; fill Tokens instead of Inputs.")
        : Stack.Input.Slice(0, _steps * Batch * _model.Encoder.InputSize);

    /// <summary>After backward: the gradient of the loss w.r.t. <see cref="Inputs"/> (dense inputs only).</summary>
    public ReadOnlySpan<T> InputGradient => _model.Embedding is not null
        ? throw new InvalidOperationException("The model embeds token ids; their gradient went to the embedding's weights.")
        : Stack.InputGradient.Slice(0, _steps * Batch * _model.Encoder.InputSize);

    /// <summary>Class ids, one per row (<see cref="Rows"/>); rows that are padding are ignored.</summary>
    public Span<int> ClassTargets => _classTargets.AsSpan(0, Rows);

    /// <summary>Target values, [Rows, OutputSize], for the regression and binary losses.</summary>
    public Span<T> ValueTargets => _valueTargets.AsSpan(0, Rows * _model.OutputSize);

    /// <summary>The model's output of the last pass (logits for cross-entropy), [Rows, OutputSize].</summary>
    public Span<T> Output => Activation(_model.Head.Length);

    /// <summary>Per-sequence lengths, or empty when every sequence runs all <see cref="Steps"/>.</summary>
    public ReadOnlySpan<int> Lengths => _hasLengths ? _lengths : ReadOnlySpan<int>.Empty;

    /// <summary>Sets per-sequence lengths (0 to <see cref="Steps"/>; 0 leaves a row out of the loss), or clears them with an empty span.</summary>
    public void SetLengths(ReadOnlySpan<int> lengths)
    {
        if (!lengths.IsEmpty)
        {
            if (lengths.Length != Batch)
                throw new ArgumentException($"lengths has {lengths.Length} entries; expected one per sequence of the batch ({Batch}).", nameof(lengths));
            for (int b = 0; b < lengths.Length; b++)
            {
                if (lengths[b] < 0 || lengths[b] > _steps)
                    throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"lengths[{b}] = {lengths[b]} is not in 0..{_steps} (Steps).");
            }
            lengths.CopyTo(_lengths);
        }
        _hasLengths = !lengths.IsEmpty;
        Stack.SetLengths(lengths);
    }

    /// <summary>
    /// Fills the batch from token sequences of any lengths (up to <see cref="Batch"/> of them; rows
    /// beyond get length 0 and no loss) and one class label each: pads with <paramref name="padding"/>,
    /// sets the lengths and <see cref="Steps"/> to the longest sequence.
    /// </summary>
    public void Load(IReadOnlyList<int[]> sequences, ReadOnlySpan<int> labels, int padding = 0)
    {
        LoadTokens(sequences, padding);
        if (_model.Readout == Readout.EveryStep)
            throw new InvalidOperationException("An every-step model takes a target per step; use Load(sequences, targets).");
        if (labels.Length != sequences.Count)
            throw new ArgumentException($"labels has {labels.Length} entries; expected one per sequence ({sequences.Count}).", nameof(labels));
        ClassTargets.Clear();
        labels.CopyTo(ClassTargets);
    }

    /// <summary>
    /// Fills the batch from token sequences and a target class per step of each (same lengths), for
    /// an <see cref="Readout.EveryStep"/> model such as a tagger or a language model.
    /// </summary>
    public void Load(IReadOnlyList<int[]> sequences, IReadOnlyList<int[]> targets, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(targets);
        LoadTokens(sequences, padding);
        if (_model.Readout != Readout.EveryStep)
            throw new InvalidOperationException($"A {_model.Readout} model takes one label per sequence; use Load(sequences, labels).");
        if (targets.Count != sequences.Count)
            throw new ArgumentException($"targets has {targets.Count} sequences; expected {sequences.Count}, one per input sequence.", nameof(targets));
        Span<int> classes = ClassTargets;
        classes.Clear();
        for (int b = 0; b < targets.Count; b++)
        {
            int[] target = targets[b] ?? throw new ArgumentNullException(nameof(targets), $"targets[{b}] is null.");
            if (target.Length != sequences[b].Length)
                throw new ArgumentException($"targets[{b}] has {target.Length} steps; its sequence has {sequences[b].Length}.", nameof(targets));
            for (int t = 0; t < target.Length; t++)
                classes[t * Batch + b] = target[t];
        }
    }

    private void LoadTokens(IReadOnlyList<int[]> sequences, int padding)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count < 1 || sequences.Count > Batch)
            throw new ArgumentException($"sequences has {sequences.Count} entries; expected 1 to {Batch} (the batch size).", nameof(sequences));
        int longest = 1;
        for (int b = 0; b < sequences.Count; b++)
        {
            int[] sequence = sequences[b] ?? throw new ArgumentNullException(nameof(sequences), $"sequences[{b}] is null.");
            if (sequence.Length > Capacity)
                throw new ArgumentException($"sequences[{b}] has {sequence.Length} steps; the workspace holds at most {Capacity}.", nameof(sequences));
            longest = Math.Max(longest, sequence.Length);
        }
        Steps = longest;
        Span<int> tokens = Tokens;
        tokens.Fill(padding);
        for (int b = 0; b < Batch; b++)
        {
            int[] sequence = b < sequences.Count ? sequences[b] : Array.Empty<int>();
            for (int t = 0; t < sequence.Length; t++)
                tokens[t * Batch + b] = sequence[t];
            _lengths[b] = sequence.Length;
        }
        SetLengths(_lengths);
    }

    /// <summary>Whether a row of <see cref="Output"/> belongs to a real step of a real sequence (and so takes a loss).</summary>
    public bool IsValidRow(int row)
    {
        if (!_hasLengths)
            return true;
        return _model.Readout == Readout.EveryStep ? row / Batch < _lengths[row % Batch] : _lengths[row] > 0;
    }

    /// <summary>Number of rows that take a loss.</summary>
    public int ValidRows
    {
        get
        {
            int count = 0, rows = Rows;
            for (int r = 0; r < rows; r++)
            {
                if (IsValidRow(r))
                    count++;
            }
            return count;
        }
    }

    /// <summary>The fraction of valid rows whose largest output is the target class (cross-entropy models).</summary>
    public double Accuracy()
    {
        if (_model.Loss != Loss.SoftmaxCrossEntropy)
            throw new InvalidOperationException("Accuracy compares the largest output with a class target; this model has no class targets.");
        int rows = Rows, outputs = _model.OutputSize, valid = 0, correct = 0;
        ReadOnlySpan<T> output = Output;
        for (int r = 0; r < rows; r++)
        {
            if (!IsValidRow(r))
                continue;
            valid++;
            if (Metrics.ArgMax(output.Slice(r * outputs, outputs)) == _classTargets[r])
                correct++;
        }
        return valid == 0 ? 0 : (double)correct / valid;
    }

    internal Span<T> Activation(int layer)
    {
        if (layer > 0)
            return _activations[layer - 1].AsSpan(0, Rows * _model.Head[layer - 1].Outputs);
        return _model.Readout == Readout.EveryStep ? Stack.Output(_steps) : _readout.AsSpan(0, Batch * _model.ReadoutSize);
    }

    internal Span<T> ActivationGradient(int layer)
    {
        if (layer > 0)
            return _activationGradients[layer - 1].AsSpan(0, Rows * _model.Head[layer - 1].Outputs);
        return _model.Readout == Readout.EveryStep ? Stack.OutputGradient(_steps) : _readoutGradient.AsSpan(0, Batch * _model.ReadoutSize);
    }

    private int Length(int sequence) => _hasLengths ? _lengths[sequence] : _steps;

    internal void ReadoutForward()
    {
        if (_hasLengths)
        {
            for (int b = 0; b < Batch; b++)
            {
                if (_lengths[b] > _steps)
                    throw new InvalidOperationException($"Sequence {b} has length {_lengths[b]} but the batch runs {_steps} steps; set Steps before the lengths.");
            }
        }
        Readout readout = _model.Readout;
        if (readout == Readout.EveryStep)
            return;
        int width = _model.ReadoutSize, hidden = _model.Encoder.HiddenSize;
        ReadOnlySpan<T> output = Stack.Output(_steps);
        Span<T> pooled = Activation(0);
        pooled.Clear();
        for (int b = 0; b < Batch; b++)
        {
            int length = Length(b);
            if (length == 0)
                continue;
            Span<T> row = pooled.Slice(b * width, width);
            if (readout == Readout.Mean)
            {
                T scale = T.One / T.CreateChecked(length);
                for (int t = 0; t < length; t++)
                    Numerics.Gemm.AddScaled(row, scale, output.Slice((t * Batch + b) * width, width));
            }
            else
            {
                output.Slice(((length - 1) * Batch + b) * width, width).CopyTo(row);
                if (readout == Readout.FinalStates && _model.Encoder.Directions == 2)
                    output.Slice(b * width + hidden, hidden).CopyTo(row.Slice(hidden));
            }
        }
    }

    internal void ReadoutBackward()
    {
        Readout readout = _model.Readout;
        if (readout == Readout.EveryStep)
            return;
        int width = _model.ReadoutSize, hidden = _model.Encoder.HiddenSize;
        Span<T> outputGradient = Stack.OutputGradient(_steps);
        outputGradient.Clear();
        ReadOnlySpan<T> pooledGradient = ActivationGradient(0);
        for (int b = 0; b < Batch; b++)
        {
            int length = Length(b);
            if (length == 0)
                continue;
            ReadOnlySpan<T> row = pooledGradient.Slice(b * width, width);
            if (readout == Readout.Mean)
            {
                T scale = T.One / T.CreateChecked(length);
                for (int t = 0; t < length; t++)
                    Numerics.Gemm.AddScaled(outputGradient.Slice((t * Batch + b) * width, width), scale, row);
            }
            else if (readout == Readout.FinalStates && _model.Encoder.Directions == 2)
            {
                Numerics.Gemm.AddScaled(outputGradient.Slice(((length - 1) * Batch + b) * width, hidden), T.One, row.Slice(0, hidden));
                Numerics.Gemm.AddScaled(outputGradient.Slice(b * width + hidden, hidden), T.One, row.Slice(hidden));
            }
            else
            {
                Numerics.Gemm.AddScaled(outputGradient.Slice(((length - 1) * Batch + b) * width, width), T.One, row);
            }
        }
    }

    // The loss sees only valid rows, gathered into one block, so every loss keeps its own formula
    // and its mean is over real steps only; the gradient is scattered back, zero on padding.
    internal T ComputeLoss()
    {
        int rows = Rows, outputs = _model.OutputSize, valid = 0;
        ReadOnlySpan<T> output = Output;
        for (int r = 0; r < rows; r++)
        {
            if (!IsValidRow(r))
                continue;
            output.Slice(r * outputs, outputs).CopyTo(_compactOutput.AsSpan(valid * outputs, outputs));
            if (_model.Loss == Loss.SoftmaxCrossEntropy)
                _compactClasses[valid] = _classTargets[r];
            else
                _valueTargets.AsSpan(r * outputs, outputs).CopyTo(_compactValues.AsSpan(valid * outputs, outputs));
            valid++;
        }
        Span<T> compact = _compactOutput.AsSpan(0, valid * outputs), gradient = _compactGradient.AsSpan(0, valid * outputs);
        T loss = _model.Loss switch
        {
            Loss.SoftmaxCrossEntropy => Losses.SoftmaxCrossEntropy<T>(compact, _compactClasses.AsSpan(0, valid), outputs, gradient),
            Loss.MeanSquaredError => Losses.MeanSquaredError<T>(compact, _compactValues.AsSpan(0, valid * outputs), gradient),
            _ => Losses.SigmoidBinaryCrossEntropy<T>(compact, _compactValues.AsSpan(0, valid * outputs), gradient),
        };
        Span<T> outputGradient = ActivationGradient(_model.Head.Length);
        for (int r = 0, v = 0; r < rows; r++)
        {
            Span<T> row = outputGradient.Slice(r * outputs, outputs);
            if (IsValidRow(r))
                gradient.Slice(v++ * outputs, outputs).CopyTo(row);
            else
                row.Clear();
        }
        return loss;
    }
}
