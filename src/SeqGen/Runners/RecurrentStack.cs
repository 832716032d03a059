using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Runners;

/// <summary>
/// Layers of recurrent cells, optionally bidirectional, with dropout between layers in training,
/// laid out as PyTorch's nn.RNN/GRU/LSTM: each layer's output is [T, B, directions·H] with the
/// forward direction first, and the next layer reads it. Works with any generated cell whose one
/// input is the layer below. As a module its cells are named <c>layer0</c>, <c>layer1</c>, ... (one
/// direction) or <c>layer0.forward</c> and <c>layer0.reverse</c> (two).
/// </summary>
public sealed class RecurrentStack<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly RecurrentCellBase<T>[] _cells;

    /// <summary>Builds the stack, asking <paramref name="create"/> for the cell of every layer and direction.</summary>
    /// <param name="create">
    /// Makes the cell of a layer and direction: <c>(layer, direction, inputSize) =&gt; cell</c>, with
    /// direction 0 forward and 1 reverse and inputSize the features the cell reads (the stack's
    /// input for layer 0, directions·H above), e.g.
    /// <c>(layer, direction, inputSize) =&gt; new Lstm(inputSize, 128, seed: 10 * layer + direction)</c>.
    /// </param>
    /// <param name="inputSize">Features of the stack's input.</param>
    /// <param name="layers">Number of layers.</param>
    /// <param name="bidirectional">Run a second cell per layer over the reversed sequence.</param>
    /// <param name="dropout">Dropout probability on the output of every layer but the last (training mode only).</param>
    /// <param name="seed">Seed of the dropout masks.</param>
    public RecurrentStack(Func<int, int, int, RecurrentCellBase<T>> create, int inputSize, int layers, bool bidirectional = false, double dropout = 0, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (inputSize < 1)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "inputSize must be at least 1.");
        if (layers < 1)
            throw new ArgumentOutOfRangeException(nameof(layers), layers, "layers must be at least 1.");
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1).");
        Layers = layers;
        Directions = bidirectional ? 2 : 1;
        InputSize = inputSize;
        Dropout = dropout;
        _cells = new RecurrentCellBase<T>[layers * Directions];
        int layerInput = inputSize;
        for (int l = 0; l < layers; l++)
        {
            for (int d = 0; d < Directions; d++)
            {
                RecurrentCellBase<T> cell = create(l, d, layerInput)
                    ?? throw new ArgumentException($"create returned null for layer {l}, direction {d}.", nameof(create));
                if (cell.InputCount != 1 || cell.InputSize(0) != layerInput)
                    throw new ArgumentException($"The cell of layer {l}, direction {d} must take one input of size {layerInput}; it takes {cell.InputCount} input(s){(cell.InputCount > 0 ? $", the first of size {cell.InputSize(0)}" : "")}.", nameof(create));
                if (l + d > 0 && cell.StateSize(cell.OutputState) != HiddenSize)
                    throw new ArgumentException($"Every cell must output the same size; layer {l}, direction {d} outputs {cell.StateSize(cell.OutputState)}, not {HiddenSize}.", nameof(create));
                _cells[l * Directions + d] = cell;
            }
            if (Directions == 1)
                AddChild($"layer{l}", Cell(l, 0));
            else
                AddChild($"layer{l}", new ModuleDict<T> { ["forward"] = Cell(l, 0), ["reverse"] = Cell(l, 1) });
            layerInput = Directions * HiddenSize;
        }
        DropoutRandom = new SeededRandom(seed);
    }

    /// <summary>Number of layers.</summary>
    public int Layers { get; }

    /// <summary>1, or 2 for a bidirectional stack.</summary>
    public int Directions { get; }

    /// <summary>Features of the stack's input.</summary>
    public int InputSize { get; }

    /// <summary>Output size of every cell; the stack's output has <see cref="Directions"/> times as many features.</summary>
    public int HiddenSize => _cells[0].StateSize(_cells[0].OutputState);

    /// <summary>Features of the stack's output: directions·H.</summary>
    public int OutputSize => Directions * HiddenSize;

    /// <summary>Dropout probability between layers, in training mode.</summary>
    public double Dropout { get; }

    /// <summary>The source of the dropout masks; save and restore its <see cref="SeededRandom.State"/> to replay them (checkpoints, gradient checks).</summary>
    public SeededRandom DropoutRandom { get; }

    /// <summary>The cell of a layer and direction (0 forward, 1 reverse).</summary>
    public RecurrentCellBase<T> Cell(int layer, int direction) => _cells[layer * Directions + direction];

    /// <summary>Allocates every buffer of a pass over up to <paramref name="steps"/> steps of <paramref name="batch"/> sequences.</summary>
    public StackWorkspace<T> CreateWorkspace(int steps, int batch) => new(this, _cells, steps, batch);

    /// <summary>
    /// Streaming inference through every layer, one step per call, keeping each layer's state
    /// between calls. A bidirectional stack needs the whole sequence and cannot stream.
    /// </summary>
    public StackStream<T> CreateStream(int batch)
    {
        if (Directions == 2)
            throw new InvalidOperationException("A bidirectional stack reads each sequence backwards too, so it cannot stream; run Forward over the whole sequence.");
        var streams = new StreamState<T>[Layers];
        for (int l = 0; l < Layers; l++)
            streams[l] = Cell(l, 0).CreateStream(batch);
        return new StackStream<T>(this, streams);
    }

    /// <summary>One streaming step: the stream's input through every layer; read the result from <see cref="StackStream{T}.Output"/>.</summary>
    public void Step(StackStream<T> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!ReferenceEquals(stream.Owner, this))
            throw new ArgumentException("The stream was created by another stack.", nameof(stream));
        for (int l = 0; l < Layers; l++)
        {
            if (l > 0)
                stream.Layer(l - 1).Output.CopyTo(stream.Layer(l).Input(0));
            Cell(l, 0).Step(stream.Layer(l));
        }
    }

    /// <summary>
    /// Runs every layer over the workspace's input ([steps, B, inputSize]); in training mode
    /// applies dropout between layers with masks drawn from the stack's seeded source.
    /// </summary>
    public void Forward(StackWorkspace<T> workspace, int steps)
    {
        Check(workspace, steps);
        workspace.ForwardCount = steps;
        SeededRandom? random = IsTraining && Dropout > 0 ? DropoutRandom : null;
        int batch = workspace.Batch;
        for (int l = 0; l < Layers; l++)
        {
            ReadOnlySpan<T> input = l == 0 ? workspace.Input.Slice(0, steps * batch * InputSize) : workspace.LayerOutput(l - 1, steps);
            int width = l == 0 ? InputSize : OutputSize;
            for (int d = 0; d < Directions; d++)
            {
                RecurrentCellBase<T> cell = Cell(l, d);
                SequenceWorkspace<T> cellWorkspace = workspace.CellWorkspace(l, d);
                Reorder(input, cellWorkspace.Input(0), steps, batch, width, 0, width, d == 1, workspace.Lengths, toCell: true);
                cell.Forward(cellWorkspace, steps);
                Reorder(cellWorkspace.Output(steps), workspace.RawLayerOutput(l, steps), steps, batch, HiddenSize, d * HiddenSize, OutputSize, d == 1, workspace.Lengths, toCell: false);
            }
            workspace.ApplyDropout(l, steps, l < Layers - 1 ? random : null, Dropout);
        }
    }

    /// <summary>
    /// From the workspace's output gradient ([T, B, directions·H]) and final-state gradients to
    /// input and initial-state gradients; parameter gradients are added to each cell's.
    /// </summary>
    public void Backward(StackWorkspace<T> workspace, int steps)
    {
        Check(workspace, steps);
        CallOrder.RequireForward(workspace.ForwardCount, steps, "step", nameof(steps));
        int batch = workspace.Batch;
        for (int l = Layers - 1; l >= 0; l--)
        {
            ReadOnlySpan<T> outputGradient = l == Layers - 1 ? workspace.OutputGradient(steps) : workspace.LayerOutputGradient(l, steps);
            int width = l == 0 ? InputSize : OutputSize;
            Span<T> inputGradient = l == 0 ? workspace.InputGradient.Slice(0, steps * batch * InputSize) : workspace.LayerOutputGradient(l - 1, steps);
            inputGradient.Clear();
            for (int d = 0; d < Directions; d++)
            {
                SequenceWorkspace<T> cellWorkspace = workspace.CellWorkspace(l, d);
                Reorder(outputGradient, cellWorkspace.OutputGradient(steps), steps, batch, OutputSize, d * HiddenSize, HiddenSize, d == 1, workspace.Lengths, toCell: true, columns: HiddenSize);
                Cell(l, d).Backward(cellWorkspace, steps);
                AddReordered(cellWorkspace.InputGradient(0).Slice(0, steps * batch * width), inputGradient, steps, batch, width, d == 1, workspace.Lengths);
            }
            if (l > 0)
                workspace.DropoutBackward(l - 1, steps);
        }
    }

    private void Check(StackWorkspace<T> workspace, int steps)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
            throw new ArgumentException("The workspace was created by another stack.", nameof(workspace));
        if (steps < 1 || steps > workspace.Capacity)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be from 1 to the workspace's capacity {workspace.Capacity}.");
    }

    // The time step that step t of the (possibly reversed) direction reads: a reversed sequence
    // runs backwards over its own length, its padding stays where it is.
    private static int Source(int t, int b, bool reversed, ReadOnlySpan<int> lengths, int steps)
    {
        if (!reversed)
            return t;
        int length = lengths.IsEmpty ? steps : lengths[b];
        return t < length ? length - 1 - t : t;
    }

    /// <summary>
    /// Copies rows between the stack's layout and a cell's: to the cell, <c>columns</c> features
    /// starting at <paramref name="offset"/> of rows <paramref name="fromWidth"/> wide; from the
    /// cell, into <paramref name="offset"/> of rows <paramref name="toWidth"/> wide.
    /// </summary>
    private static void Reorder(ReadOnlySpan<T> from, Span<T> to, int steps, int batch, int fromWidth, int offset, int toWidth,
        bool reversed, ReadOnlySpan<int> lengths, bool toCell, int columns = -1)
    {
        int width = toCell ? (columns < 0 ? toWidth : columns) : fromWidth;
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int s = Source(t, b, reversed, lengths, steps);
                if (toCell)
                    from.Slice((s * batch + b) * fromWidth + offset, width).CopyTo(to.Slice((t * batch + b) * width, width));
                else
                    from.Slice((t * batch + b) * fromWidth, width).CopyTo(to.Slice((s * batch + b) * toWidth + offset, width));
            }
        }
    }

    private static void AddReordered(ReadOnlySpan<T> from, Span<T> to, int steps, int batch, int width, bool reversed, ReadOnlySpan<int> lengths)
    {
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int s = Source(t, b, reversed, lengths, steps);
                Gemm.AddScaled(to.Slice((s * batch + b) * width, width), T.One, from.Slice((t * batch + b) * width, width));
            }
        }
    }
}
