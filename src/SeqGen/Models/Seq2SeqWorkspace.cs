using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Models;

/// <summary>
/// Every buffer of a <see cref="Seq2Seq{T}"/> pass over one batch: token ids (time-major), the
/// encoder's, attention's and decoder's workspaces, each step's [s_i; c_i] and logits, and the
/// gradients. Sized once for a batch and the longest source and target; a training step
/// allocates nothing. A batch may hold fewer pairs than its size (the rest take no loss).
/// </summary>
public sealed class Seq2SeqWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Ignored = -100;
    private readonly Seq2Seq<T> _model;
    private readonly StackWorkspace<T> _encoder;
    private readonly AttentionWorkspace<T>? _attention;
    private readonly SequenceWorkspace<T> _decoder;
    private readonly int _hidden, _keySize, _embedding, _vocabulary, _headSize;
    private readonly int[] _sourceIds, _sourceLengths, _targets, _inputIds, _targetLengths;
    private readonly T[] _bridgeInput, _bridgeInputGradient, _initial, _initialGradient, _fixedContext, _fixedContextGradient,
        _headInput, _headInputGradient, _logits, _logitGradient, _contextGradient, _queryGradient;
    private bool _lossComputed;
    private StreamState<T>? _stream;
    private T[] _reorder = Array.Empty<T>();

    internal Seq2SeqWorkspace(Seq2Seq<T> model, int maxSourceLength, int maxSteps, int batch)
    {
        if (maxSourceLength < 1)
            throw new ArgumentOutOfRangeException(nameof(maxSourceLength), maxSourceLength, "maxSourceLength must be at least 1.");
        if (maxSteps < 2)
            throw new ArgumentOutOfRangeException("maxTargetLength", maxSteps - 1, "maxTargetLength must be at least 1.");
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1.");
        _model = model;
        MaxSourceLength = maxSourceLength;
        MaxSteps = maxSteps;
        Batch = batch;
        _hidden = model.Decoder.StateSize(model.Decoder.OutputState);
        _keySize = model.Encoder.OutputSize;
        _embedding = model.SourceEmbedding.Dimension;
        _vocabulary = model.Output.Outputs;
        _headSize = _hidden + _keySize;
        _encoder = model.Encoder.CreateWorkspace(maxSourceLength, batch);
        _attention = model.Attention?.CreateWorkspace(maxSourceLength, batch, maxSteps);
        _decoder = model.Decoder.CreateWorkspace(maxSteps, batch);
        _sourceIds = new int[maxSourceLength * batch];
        _sourceLengths = new int[batch];
        _targets = new int[maxSteps * batch];
        _inputIds = new int[maxSteps * batch];
        _targetLengths = new int[batch];
        int half = model.Encoder.HiddenSize;
        _bridgeInput = new T[batch * half];
        _bridgeInputGradient = new T[batch * half];
        _initial = new T[batch * _hidden];
        _initialGradient = new T[batch * _hidden];
        _fixedContext = new T[batch * _keySize];
        _fixedContextGradient = new T[batch * _keySize];
        _headInput = new T[maxSteps * batch * _headSize];
        _headInputGradient = new T[maxSteps * batch * _headSize];
        _logits = new T[maxSteps * batch * _vocabulary];
        _logitGradient = new T[maxSteps * batch * _vocabulary];
        _contextGradient = new T[batch * _keySize];
        _queryGradient = new T[batch * _hidden];
    }

    internal Seq2Seq<T> Model => _model;

    /// <summary>Pairs a batch holds.</summary>
    public int Batch { get; }

    /// <summary>Longest source.</summary>
    public int MaxSourceLength { get; }

    /// <summary>Most decoder steps: the longest target and its end token.</summary>
    public int MaxSteps { get; }

    /// <summary>Pairs in the current batch.</summary>
    public int Count { get; private set; }

    /// <summary>S: the longest source of the current batch.</summary>
    public int SourceSteps { get; private set; }

    /// <summary>Decoder steps of the last pass.</summary>
    public int TargetSteps { get; private set; }

    /// <summary>The attention workspace (its weights per step), or null without attention.</summary>
    public AttentionWorkspace<T>? AttentionWorkspace => _attention;

    /// <summary>The logits of decoder step <paramref name="step"/>, [B, V].</summary>
    public ReadOnlySpan<T> StepLogits(int step) => _logits.AsSpan(step * Batch * _vocabulary, Batch * _vocabulary);

    /// <summary>Sets the batch's sources, and targets (null when decoding) with their end tokens.</summary>
    internal void Load(IReadOnlyList<int[]> sources, IReadOnlyList<int[]>? targets)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count < 1 || sources.Count > Batch)
            throw new ArgumentException($"The batch holds {sources.Count} sources; the workspace takes 1 to {Batch}.", nameof(sources));
        if (targets is not null && targets.Count != sources.Count)
            throw new ArgumentException($"{targets.Count} targets for {sources.Count} sources.", nameof(targets));
        _lossComputed = false;
        Count = sources.Count;
        int longest = 1, steps = 1;
        for (int b = 0; b < Count; b++)
        {
            int[] source = sources[b] ?? throw new ArgumentNullException(nameof(sources), $"sources[{b}] is null.");
            if (source.Length < 1 || source.Length > MaxSourceLength)
                throw new ArgumentException($"sources[{b}] has {source.Length} tokens; the workspace takes 1 to {MaxSourceLength}.", nameof(sources));
            foreach (int id in source)
            {
                if ((uint)id >= (uint)_model.SourceEmbedding.Count)
                    throw new ArgumentException($"sources[{b}] holds token {id}, not in 0..{_model.SourceEmbedding.Count - 1}.", nameof(sources));
            }
            longest = Math.Max(longest, source.Length);
            if (targets is null)
                continue;
            int[] target = targets[b] ?? throw new ArgumentNullException(nameof(targets), $"targets[{b}] is null.");
            if (target.Length + 1 > MaxSteps)
                throw new ArgumentException($"targets[{b}] has {target.Length} tokens; the workspace takes up to {MaxSteps - 1}.", nameof(targets));
            foreach (int id in target)
            {
                if ((uint)id >= (uint)_vocabulary)
                    throw new ArgumentException($"targets[{b}] holds token {id}, not in 0..{_vocabulary - 1}.", nameof(targets));
            }
            steps = Math.Max(steps, target.Length + 1);
        }
        SourceSteps = longest;
        TargetSteps = targets is null ? 0 : steps;
        for (int b = 0; b < Batch; b++)
        {
            // Rows past the batch's pairs hold a one-token source and take no loss.
            int[]? source = b < Count ? sources[b] : null;
            _sourceLengths[b] = source?.Length ?? 1;
            for (int j = 0; j < longest; j++)
                _sourceIds[j * Batch + b] = source is not null && j < source.Length ? source[j] : 0;
            int[]? target = targets is not null && b < Count ? targets[b] : null;
            _targetLengths[b] = target is null ? 0 : target.Length + 1;
            for (int t = 0; t < TargetSteps; t++)
            {
                int label = target is null ? Ignored : t < target.Length ? target[t] : t == target.Length ? _model.EndToken : Ignored;
                _targets[t * Batch + b] = label;
                int previous = t == 0 ? _model.BeginToken : _targets[(t - 1) * Batch + b];
                _inputIds[t * Batch + b] = previous >= 0 ? previous : _model.EndToken;
            }
        }
    }

    internal ReadOnlySpan<int> TeacherInput(int step) => _inputIds.AsSpan(step * Batch, Batch);

    /// <summary>Embeds and encodes the sources, sets the attention's keys and the decoder's initial state.</summary>
    internal void Encode()
    {
        int s = SourceSteps, batch = Batch, half = _model.Encoder.HiddenSize;
        _model.SourceEmbedding.Forward(_sourceIds.AsSpan(0, s * batch), _encoder.Input.Slice(0, s * batch * _embedding));
        _encoder.SetLengths(_sourceLengths);
        _model.Encoder.Forward(_encoder, s);
        ReadOnlySpan<T> keys = _encoder.Output(s);
        if (_attention is not null)
        {
            _model.Attention!.SetSources(_attention, keys, _sourceLengths, s);
        }
        else
        {
            // The fixed context: the forward direction at each source's last position, the backward at the first.
            for (int b = 0; b < batch; b++)
            {
                keys.Slice(((_sourceLengths[b] - 1) * batch + b) * _keySize, half).CopyTo(_fixedContext.AsSpan(b * _keySize, half));
                keys.Slice(b * _keySize + half, half).CopyTo(_fixedContext.AsSpan(b * _keySize + half, half));
            }
        }
        for (int b = 0; b < batch; b++)
            keys.Slice(b * _keySize + half, half).CopyTo(_bridgeInput.AsSpan(b * half, half));
        _model.Bridge.Forward(_bridgeInput, _initial, batch);
        for (int i = 0; i < _initial.Length; i++)
            _initial[i] = T.Tanh(_initial[i]);
        for (int state = 0; state < _model.Decoder.StateCount; state++)
            _decoder.InitialState(state).Clear();
        _initial.CopyTo(_decoder.InitialState(_model.Decoder.OutputState));
        _model.Decoder.BeginSteps(_decoder);
    }

    /// <summary>Decoder step <paramref name="step"/> with the given previous tokens: attention, decoder cell, output layer.</summary>
    internal void DecodeStep(int step, ReadOnlySpan<int> previousTokens)
    {
        int batch = Batch;
        ReadOnlySpan<T> query = step == 0 ? _initial : _decoder.StepOutput(step - 1);
        Span<T> context = _decoder.StepInput(1, step);
        if (_attention is not null)
            _model.Attention!.Forward(_attention, query, context);
        else
            _fixedContext.CopyTo(context);
        _model.TargetEmbedding.Forward(previousTokens, _decoder.StepInput(0, step));
        _model.Decoder.StepForward(_decoder);
        ReadOnlySpan<T> state = _decoder.StepOutput(step);
        Span<T> head = _headInput.AsSpan(step * batch * _headSize, batch * _headSize);
        for (int b = 0; b < batch; b++)
        {
            state.Slice(b * _hidden, _hidden).CopyTo(head.Slice(b * _headSize, _hidden));
            context.Slice(b * _keySize, _keySize).CopyTo(head.Slice(b * _headSize + _hidden, _keySize));
        }
        _model.Output.Forward(head, _logits.AsSpan(step * batch * _vocabulary, batch * _vocabulary), batch);
        TargetSteps = Math.Max(TargetSteps, step + 1);
    }

    // Decoding runs the decoder as a stream from the encoded sources' initial states.
    internal StreamState<T> BeginDecoding(IReadOnlyList<int[]> sources)
    {
        Load(sources, null);
        Encode();
        _stream ??= _model.Decoder.CreateStream(Batch);
        _stream.Reset();
        _stream.SetState(_model.Decoder.OutputState, _initial);
        return _stream;
    }

    // One decoding step with the given previous tokens; writes the step's logits [B, V].
    internal void DecodeStream(StreamState<T> stream, int step, ReadOnlySpan<int> previousTokens, Span<T> logits)
    {
        int batch = Batch;
        Span<T> context = stream.Input(1);
        if (_attention is not null)
            _model.Attention!.Forward(_attention, stream.State(_model.Decoder.OutputState), context);
        else
            _fixedContext.CopyTo(context);
        _model.TargetEmbedding.Forward(previousTokens, stream.Input(0));
        _model.Decoder.Step(stream);
        ReadOnlySpan<T> state = stream.Output;
        Span<T> head = _headInput.AsSpan(0, batch * _headSize);
        for (int b = 0; b < batch; b++)
        {
            state.Slice(b * _hidden, _hidden).CopyTo(head.Slice(b * _headSize, _hidden));
            context.Slice(b * _keySize, _keySize).CopyTo(head.Slice(b * _headSize + _hidden, _keySize));
        }
        _model.Output.Forward(head, logits, batch);
        TargetSteps = step + 1;
    }

    // Row b of every state becomes the old row parents[b] (beam search keeps the best continuations).
    internal void ReorderStream(StreamState<T> stream, ReadOnlySpan<int> parents)
    {
        for (int state = 0; state < _model.Decoder.StateCount; state++)
        {
            Span<T> rows = stream.State(state);
            int size = _model.Decoder.StateSize(state);
            if (_reorder.Length < rows.Length)
                _reorder = new T[rows.Length];
            rows.CopyTo(_reorder);
            for (int b = 0; b < parents.Length; b++)
                _reorder.AsSpan(parents[b] * size, size).CopyTo(rows.Slice(b * size, size));
        }
    }

    internal T ComputeLoss()
    {
        int rows = TargetSteps * Batch;
        T loss = Losses.SoftmaxCrossEntropy<T>(_logits.AsSpan(0, rows * _vocabulary), _targets.AsSpan(0, rows), _vocabulary, _logitGradient.AsSpan(0, rows * _vocabulary), Ignored);
        _lossComputed = true;
        return loss;
    }

    internal void Backward()
    {
        if (!_lossComputed)
            throw new InvalidOperationException("Backward needs the loss of a Forward over the same workspace; call Forward first.");
        int batch = Batch, steps = TargetSteps, s = SourceSteps, half = _model.Encoder.HiddenSize;
        int rows = steps * batch;
        _model.Output.Backward(_headInput.AsSpan(0, rows * _headSize), _logitGradient.AsSpan(0, rows * _vocabulary), _headInputGradient.AsSpan(0, rows * _headSize), rows);
        for (int t = 0; t < steps; t++)
        {
            Span<T> ds = _decoder.StepOutputGradient(t);
            ReadOnlySpan<T> head = _headInputGradient.AsSpan(t * batch * _headSize, batch * _headSize);
            for (int b = 0; b < batch; b++)
                head.Slice(b * _headSize, _hidden).CopyTo(ds.Slice(b * _hidden, _hidden));
        }
        for (int state = 0; state < _model.Decoder.StateCount; state++)
            _decoder.FinalStateGradient(state).Clear();
        Array.Clear(_initialGradient);
        Array.Clear(_fixedContextGradient);
        for (int t = steps - 1; t >= 0; t--)
        {
            _model.Decoder.StepBackward(_decoder);
            _model.TargetEmbedding.Backward(TeacherInput(t), _decoder.StepInputGradient(0, t));
            // The context's gradient: from the output layer and from the decoder's input.
            ReadOnlySpan<T> head = _headInputGradient.AsSpan(t * batch * _headSize, batch * _headSize);
            ReadOnlySpan<T> fromDecoder = _decoder.StepInputGradient(1, t);
            for (int b = 0; b < batch; b++)
            {
                Span<T> dc = _contextGradient.AsSpan(b * _keySize, _keySize);
                head.Slice(b * _headSize + _hidden, _keySize).CopyTo(dc);
                Numerics.Gemm.AddScaled<T>(dc, T.One, fromDecoder.Slice(b * _keySize, _keySize));
            }
            if (_attention is null)
            {
                Numerics.Gemm.AddScaled<T>(_fixedContextGradient, T.One, _contextGradient);
                continue;
            }
            _model.Attention!.Backward(_attention, _contextGradient, _queryGradient);
            // The query was the previous step's state (the initial state at step 0).
            Numerics.Gemm.AddScaled<T>(t == 0 ? _initialGradient : _decoder.StepOutputGradient(t - 1), T.One, _queryGradient);
        }
        Numerics.Gemm.AddScaled<T>(_initialGradient, T.One, _decoder.InitialStateGradient(_model.Decoder.OutputState));
        Span<T> keysGradient = _encoder.OutputGradient(s);
        keysGradient.Clear();
        if (_attention is not null)
        {
            _model.Attention!.BackwardSources(_attention, keysGradient);
        }
        else
        {
            for (int b = 0; b < batch; b++)
            {
                Numerics.Gemm.AddScaled<T>(keysGradient.Slice(((_sourceLengths[b] - 1) * batch + b) * _keySize, half), T.One, _fixedContextGradient.AsSpan(b * _keySize, half));
                Numerics.Gemm.AddScaled<T>(keysGradient.Slice(b * _keySize + half, half), T.One, _fixedContextGradient.AsSpan(b * _keySize + half, half));
            }
        }
        // s_0 = tanh(bridge(h←_1)).
        for (int i = 0; i < _initial.Length; i++)
            _initialGradient[i] *= T.One - _initial[i] * _initial[i];
        _model.Bridge.Backward(_bridgeInput, _initialGradient, _bridgeInputGradient, batch);
        for (int b = 0; b < batch; b++)
            Numerics.Gemm.AddScaled<T>(keysGradient.Slice(b * _keySize + half, half), T.One, _bridgeInputGradient.AsSpan(b * half, half));
        _model.Encoder.Backward(_encoder, s);
        _model.SourceEmbedding.Backward(_sourceIds.AsSpan(0, s * batch), _encoder.InputGradient.Slice(0, s * batch * _embedding));
        _lossComputed = false;
    }
}
