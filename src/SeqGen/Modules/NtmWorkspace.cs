using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>
/// The tape of a <see cref="NeuralTuringMachine{T}"/> over T steps of B sequences: the memory
/// before every write, each head's raw outputs and addressing stages, the reads, the controller's
/// own workspace, the output layer's inputs and logits. Sized once; passes allocate nothing.
/// </summary>
public sealed class NtmWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The memory's initial value everywhere (Collier and Beel 2018).</summary>
    public const double MemoryInitialValue = 1e-6;

    private readonly NeuralTuringMachine<T> _machine;
    private readonly SequenceWorkspace<T> _controller;
    private readonly int _n, _m, _heads, _memory, _cache, _readSize, _outputInput;
    private readonly T[] _input, _memories, _raw, _caches, _reads, _outputInputs, _logits, _logitGradient,
        _initialWeights, _rawGradient, _outputInputGradient, _hiddenGradient, _memoryGradient, _weightGradient, _previousGradient, _readGradient, _scratch, _erase;
    private int _steps;

    internal NtmWorkspace(NeuralTuringMachine<T> machine, int steps, int batch)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1.");
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1.");
        _machine = machine;
        Capacity = steps;
        Batch = batch;
        _n = machine.Slots;
        _m = machine.Width;
        _heads = machine.ReadHeads + machine.WriteHeads;
        _memory = _n * _m;
        _cache = NtmAddressing.CacheSize(_n);
        _readSize = machine.ReadHeads * _m;
        _outputInput = machine.Hidden + _readSize;
        _controller = machine.Controller.CreateWorkspace(steps, batch);
        _input = new T[steps * batch * machine.InputSize];
        _memories = new T[(steps * machine.WriteHeads + 1) * batch * _memory];
        _raw = new T[steps * batch * machine.HeadOutputs];
        _caches = new T[steps * _heads * batch * _cache];
        _reads = new T[steps * batch * _readSize];
        _outputInputs = new T[steps * batch * _outputInput];
        _logits = new T[steps * batch * machine.OutputSize];
        _logitGradient = new T[steps * batch * machine.OutputSize];
        _initialWeights = new T[_heads * _n];
        _rawGradient = new T[batch * machine.HeadOutputs];
        _outputInputGradient = new T[steps * batch * _outputInput];
        _hiddenGradient = new T[batch * machine.Hidden];
        _memoryGradient = new T[batch * _memory];
        _weightGradient = new T[_n];
        _previousGradient = new T[_heads * batch * _n];
        _readGradient = new T[batch * _readSize];
        _scratch = new T[3 * _n];
        _erase = new T[_m];
    }

    internal NeuralTuringMachine<T> Machine => _machine;

    /// <summary>Most steps a pass may run.</summary>
    public int Capacity { get; }

    /// <summary>Sequences per pass.</summary>
    public int Batch { get; }

    /// <summary>The external input, [T, B, inputSize]; filled by the caller.</summary>
    public Span<T> Input => _input;

    /// <summary>The output logits of the last pass, [T, B, outputSize].</summary>
    public Span<T> Logits => _logits.AsSpan(0, _steps * Batch * _machine.OutputSize);

    /// <summary>The gradient of the loss w.r.t. the logits, [T, B, outputSize]; filled by the caller before backward.</summary>
    public Span<T> LogitGradient => _logitGradient.AsSpan(0, _steps * Batch * _machine.OutputSize);

    /// <summary>Head <paramref name="head"/>'s weighting over the memory after step <paramref name="step"/> (read heads first), for sequence <paramref name="sequence"/>: [N].</summary>
    public ReadOnlySpan<T> HeadWeights(int step, int head, int sequence)
    {
        if ((uint)step >= (uint)_steps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The last pass ran {_steps} steps.");
        if ((uint)head >= (uint)_heads)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"The machine has {_heads} heads.");
        if ((uint)sequence >= (uint)Batch)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"The batch holds {Batch} sequences.");
        return Cache(step, head, sequence).Weights;
    }

    private int HeadOffset(int head) => head < _machine.ReadHeads
        ? head * NtmAddressing.Size(_m)
        : _machine.ReadHeads * NtmAddressing.Size(_m) + (head - _machine.ReadHeads) * (NtmAddressing.Size(_m) + 2 * _m);

    private NtmAddressing.Cache<T> Cache(int step, int head, int b) =>
        NtmAddressing.Slice<T>(_caches.AsSpan(((step * _heads + head) * Batch + b) * _cache, _cache), _n);

    // Memory before write head w of step t (w = WriteHeads: after the step), for row b.
    private Span<T> Memory(int step, int write, int b) =>
        _memories.AsSpan(((step * _machine.WriteHeads + write) * Batch + b) * _memory, _memory);

    private ReadOnlySpan<T> Previous(int step, int head, int b) =>
        step == 0 ? _initialWeights.AsSpan(head * _n, _n) : Cache(step - 1, head, b).Weights;

    // e = sigmoid(ê) once per head and row, not once per memory element.
    private Span<T> EraseGates(ReadOnlySpan<T> raw)
    {
        for (int j = 0; j < _m; j++)
            _erase[j] = CompilerServices.VectorMath.Sigmoid(raw[j]);
        return _erase;
    }

    internal void Forward(int steps)
    {
        if (steps < 1 || steps > Capacity)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be from 1 to the workspace's {Capacity}.");
        _steps = steps;
        NeuralTuringMachine<T> ntm = _machine;
        int batch = Batch, x = ntm.InputSize, p = ntm.HeadOutputs, h = ntm.Hidden;
        ReadOnlySpan<T> logits = ntm.Parameters.AsSpan(_readSize, _heads * _n);
        logits.CopyTo(_initialWeights);
        for (int head = 0; head < _heads; head++)
            SpanMath.Softmax(_initialWeights.AsSpan(head * _n, _n));
        for (int b = 0; b < batch; b++)
            Memory(0, 0, b).Fill(T.CreateChecked(MemoryInitialValue));
        for (int s = 0; s < ntm.Controller.StateCount; s++)
            _controller.InitialState(s).Clear();
        ntm.Controller.BeginSteps(_controller);
        for (int t = 0; t < steps; t++)
        {
            Span<T> controllerInput = _controller.StepInput(0, t);
            for (int b = 0; b < batch; b++)
            {
                Span<T> row = controllerInput.Slice(b * (x + _readSize), x + _readSize);
                _input.AsSpan((t * batch + b) * x, x).CopyTo(row);
                (t == 0 ? ntm.InitialReads : _reads.AsSpan(((t - 1) * batch + b) * _readSize, _readSize)).CopyTo(row.Slice(x));
            }
            ntm.Controller.StepForward(_controller);
            ReadOnlySpan<T> hidden = _controller.StepOutput(t);
            Span<T> raw = _raw.AsSpan(t * batch * p, batch * p);
            ntm.Heads.Forward(hidden, raw, batch);
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<T> rawRow = raw.Slice(b * p, p);
                ReadOnlySpan<T> before = Memory(t, 0, b);
                Span<T> reads = _reads.AsSpan((t * batch + b) * _readSize, _readSize);
                for (int r = 0; r < ntm.ReadHeads; r++)
                {
                    NtmAddressing.Cache<T> cache = Cache(t, r, b);
                    NtmAddressing.Forward(before, _m, rawRow.Slice(HeadOffset(r), NtmAddressing.Size(_m)), Previous(t, r, b), cache);
                    Span<T> read = reads.Slice(r * _m, _m);
                    read.Clear();
                    for (int i = 0; i < _n; i++)
                        Gemm.AddScaled<T>(read, cache.Weights[i], before.Slice(i * _m, _m));
                }
                for (int w = 0; w < ntm.WriteHeads; w++)
                {
                    int head = ntm.ReadHeads + w, offset = HeadOffset(head);
                    NtmAddressing.Cache<T> cache = Cache(t, head, b);
                    ReadOnlySpan<T> memory = Memory(t, w, b);
                    NtmAddressing.Forward(memory, _m, rawRow.Slice(offset, NtmAddressing.Size(_m)), Previous(t, head, b), cache);
                    ReadOnlySpan<T> erase = rawRow.Slice(offset + NtmAddressing.Size(_m), _m), add = rawRow.Slice(offset + NtmAddressing.Size(_m) + _m, _m);
                    // The memory after this head: the next head's "before", or the next step's.
                    Span<T> after = w + 1 < ntm.WriteHeads ? Memory(t, w + 1, b) : Memory(t + 1, 0, b);
                    Span<T> e = EraseGates(erase);
                    for (int i = 0; i < _n; i++)
                    {
                        T weight = cache.Weights[i];
                        for (int j = 0; j < _m; j++)
                            after[i * _m + j] = memory[i * _m + j] * (T.One - weight * e[j]) + weight * add[j];
                    }
                }
                Span<T> outputInput = _outputInputs.AsSpan((t * batch + b) * _outputInput, _outputInput);
                hidden.Slice(b * h, h).CopyTo(outputInput);
                reads.CopyTo(outputInput.Slice(h));
            }
        }
        ntm.Output.Forward(_outputInputs.AsSpan(0, steps * batch * _outputInput), Logits, steps * batch);
    }

    internal void Backward()
    {
        if (_steps == 0)
            throw new InvalidOperationException("Backward needs a Forward over this workspace first.");
        NeuralTuringMachine<T> ntm = _machine;
        int batch = Batch, steps = _steps, x = ntm.InputSize, p = ntm.HeadOutputs, h = ntm.Hidden;
        ntm.Output.Backward(_outputInputs.AsSpan(0, steps * batch * _outputInput), LogitGradient, _outputInputGradient.AsSpan(0, steps * batch * _outputInput), steps * batch);
        Array.Clear(_memoryGradient);
        Array.Clear(_previousGradient);
        Array.Clear(_readGradient);
        for (int s = 0; s < ntm.Controller.StateCount; s++)
            _controller.FinalStateGradient(s).Clear();
        for (int t = steps - 1; t >= 0; t--)
        {
            ReadOnlySpan<T> raw = _raw.AsSpan(t * batch * p, batch * p);
            Array.Clear(_rawGradient);
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<T> rawRow = raw.Slice(b * p, p);
                Span<T> dRaw = _rawGradient.AsSpan(b * p, p);
                Span<T> dMemory = _memoryGradient.AsSpan(b * _memory, _memory);
                for (int w = ntm.WriteHeads - 1; w >= 0; w--)
                {
                    int head = ntm.ReadHeads + w, offset = HeadOffset(head);
                    NtmAddressing.Cache<T> cache = Cache(t, head, b);
                    ReadOnlySpan<T> memory = Memory(t, w, b);
                    ReadOnlySpan<T> erase = rawRow.Slice(offset + NtmAddressing.Size(_m), _m), add = rawRow.Slice(offset + NtmAddressing.Size(_m) + _m, _m);
                    Span<T> dErase = dRaw.Slice(offset + NtmAddressing.Size(_m), _m), dAdd = dRaw.Slice(offset + NtmAddressing.Size(_m) + _m, _m);
                    Span<T> dWeight = _weightGradient;
                    Span<T> dPrevious = _previousGradient.AsSpan((head * batch + b) * _n, _n);
                    // w_t's gradient from step t + 1's interpolation, then this step's write.
                    dPrevious.CopyTo(dWeight);
                    dPrevious.Clear();
                    Span<T> gates = EraseGates(erase);
                    for (int i = 0; i < _n; i++)
                    {
                        T weight = cache.Weights[i], dw = T.Zero;
                        for (int j = 0; j < _m; j++)
                        {
                            T e = gates[j], d = dMemory[i * _m + j], before = memory[i * _m + j];
                            dw += d * (add[j] - before * e);
                            dErase[j] -= d * before * weight * e * (T.One - e);
                            dAdd[j] += d * weight;
                            dMemory[i * _m + j] = d * (T.One - weight * e);
                        }
                        dWeight[i] += dw;
                    }
                    NtmAddressing.Backward(memory, _n, _m, rawRow.Slice(offset, NtmAddressing.Size(_m)), Previous(t, head, b), cache,
                        dWeight, dRaw.Slice(offset, NtmAddressing.Size(_m)), dPrevious, dMemory, _scratch);
                }
                ReadOnlySpan<T> before0 = Memory(t, 0, b);
                ReadOnlySpan<T> dOut = _outputInputGradient.AsSpan((t * batch + b) * _outputInput, _outputInput);
                Span<T> dReads = _readGradient.AsSpan(b * _readSize, _readSize);
                // The reads' gradient: from the output layer and from step t + 1's controller input.
                Gemm.AddScaled<T>(dReads, T.One, dOut.Slice(h, _readSize));
                for (int r = 0; r < ntm.ReadHeads; r++)
                {
                    NtmAddressing.Cache<T> cache = Cache(t, r, b);
                    ReadOnlySpan<T> dRead = dReads.Slice(r * _m, _m);
                    Span<T> dWeight = _weightGradient;
                    Span<T> dPrevious = _previousGradient.AsSpan((r * batch + b) * _n, _n);
                    dPrevious.CopyTo(dWeight);
                    dPrevious.Clear();
                    for (int i = 0; i < _n; i++)
                    {
                        dWeight[i] += Gemm.Dot<T>(dRead, before0.Slice(i * _m, _m));
                        Gemm.AddScaled<T>(dMemory.Slice(i * _m, _m), cache.Weights[i], dRead);
                    }
                    NtmAddressing.Backward(before0, _n, _m, rawRow.Slice(HeadOffset(r), NtmAddressing.Size(_m)), Previous(t, r, b), cache,
                        dWeight, dRaw.Slice(HeadOffset(r), NtmAddressing.Size(_m)), dPrevious, dMemory, _scratch);
                }
                dReads.Clear();
                dOut.Slice(0, h).CopyTo(_hiddenGradient.AsSpan(b * h, h));
            }
            // The heads read the controller's output: add their share to its gradient.
            ReadOnlySpan<T> hidden = _controller.StepOutput(t);
            Span<T> dHidden = _controller.StepOutputGradient(t);
            ntm.Heads.Backward(hidden, _rawGradient, dHidden, batch);
            Gemm.AddScaled<T>(dHidden, T.One, _hiddenGradient);
            ntm.Controller.StepBackward(_controller);
            ReadOnlySpan<T> dInput = _controller.StepInputGradient(0, t);
            for (int b = 0; b < batch; b++)
                Gemm.AddScaled<T>(_readGradient.AsSpan(b * _readSize, _readSize), T.One, dInput.Slice(b * (x + _readSize) + x, _readSize));
        }
        // Step 0 read the learned initial reads and started from the softmax of the learned logits.
        Span<T> gradients = ntm.Gradients;
        for (int b = 0; b < batch; b++)
            Gemm.AddScaled<T>(gradients.Slice(0, _readSize), T.One, _readGradient.AsSpan(b * _readSize, _readSize));
        for (int head = 0; head < _heads; head++)
        {
            for (int b = 0; b < batch; b++)
                NtmAddressing.SoftmaxBackward<T>(_initialWeights.AsSpan(head * _n, _n), _previousGradient.AsSpan((head * batch + b) * _n, _n), gradients.Slice(_readSize + head * _n, _n));
        }
    }
}
