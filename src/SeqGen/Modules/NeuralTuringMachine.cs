using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>
/// A Neural Turing Machine (Graves, Wayne and Danihelka 2014): a memory of N slots of width M,
/// any generated recurrent cell as the controller, driven one step at a time on [x_t; the previous
/// step's reads], read and write heads addressed by content and location (see the addressing
/// stages in <c>NtmAddressing</c>), writes by erase e = sigmoid(·) then add a, and an output layer
/// over [h_t; r_t]. At each step the read heads read the memory as it was, then the write heads
/// write in order. The memory starts at a small constant (1e-6; Collier and Beel 2018 found a
/// constant converges fastest); the initial reads (<c>initial_reads</c>) and head weights
/// (<c>initial_weights</c>, softmax of learned logits, starting focused on slot 0) are learned. Children: <c>controller</c>,
/// <c>heads</c> (Linear from the controller's output to every head's raw outputs) and
/// <c>output</c>. Backward is exact through the whole unrolled machine.
/// </summary>
public sealed class NeuralTuringMachine<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A machine of <paramref name="memorySlots"/> × <paramref name="memoryWidth"/> memory around <paramref name="controller"/>.</summary>
    /// <param name="controller">Any generated cell with one input of <paramref name="inputSize"/> + <paramref name="readHeads"/> × <paramref name="memoryWidth"/> features.</param>
    /// <param name="inputSize">Features of the external input per step.</param>
    /// <param name="outputSize">Features of the output (logits) per step.</param>
    /// <param name="memorySlots">N: memory locations.</param>
    /// <param name="memoryWidth">M: features per location.</param>
    /// <param name="readHeads">R: read heads.</param>
    /// <param name="writeHeads">W: write heads.</param>
    /// <param name="seed">Seed of the layers' and initial reads' values.</param>
    public NeuralTuringMachine(RecurrentCellBase<T> controller, int inputSize, int outputSize, int memorySlots = 128, int memoryWidth = 20,
        int readHeads = 1, int writeHeads = 1, int seed = 0)
        : base(Layout(memorySlots, memoryWidth, readHeads, writeHeads))
    {
        ArgumentNullException.ThrowIfNull(controller);
        if (inputSize < 1)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "inputSize must be at least 1.");
        if (outputSize < 1)
            throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "outputSize must be at least 1.");
        if (controller.InputCount != 1 || controller.InputSize(0) != inputSize + readHeads * memoryWidth)
            throw new ArgumentException($"The controller must take one input of {inputSize + readHeads * memoryWidth} features (the input's {inputSize} and {readHeads} read vector(s) of {memoryWidth}).", nameof(controller));
        InputSize = inputSize;
        OutputSize = outputSize;
        Slots = memorySlots;
        Width = memoryWidth;
        ReadHeads = readHeads;
        WriteHeads = writeHeads;
        Hidden = controller.StateSize(controller.OutputState);
        HeadOutputs = readHeads * NtmAddressing.Size(memoryWidth) + writeHeads * (NtmAddressing.Size(memoryWidth) + 2 * memoryWidth);
        Controller = AddChild("controller", controller);
        Heads = AddChild("heads", new Linear<T>(Hidden, HeadOutputs, seed: seed + 1));
        Output = AddChild("output", new Linear<T>(Hidden + readHeads * memoryWidth, outputSize, seed: seed + 2));
        Initializers.Uniform<T>(InitialReads, 0, 0.01, new SeededRandom(seed + 3));
        // A constant memory gives every slot the same content weight, so a uniform start would stay
        // uniform: the heads start focused on slot 0 (as Collier and Beel's do), free to learn otherwise.
        for (int head = 0; head < readHeads + writeHeads; head++)
            Parameters[readHeads * memoryWidth + head * memorySlots] = T.CreateChecked(InitialFocus);
    }

    private static ParameterInfo[] Layout(int slots, int width, int readHeads, int writeHeads)
    {
        if (slots < 2)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "The memory needs at least 2 slots.");
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, "memoryWidth must be at least 1.");
        if (readHeads < 1 || writeHeads < 1)
            throw new ArgumentOutOfRangeException(nameof(readHeads), "A machine needs at least one read and one write head.");
        return new[]
        {
            new ParameterInfo("initial_reads", ParameterKind.Matrix, 0, readHeads, width, true),
            new ParameterInfo("initial_weights", ParameterKind.Matrix, readHeads * width, readHeads + writeHeads, slots, true),
        };
    }

    /// <summary>The controller cell.</summary>
    public RecurrentCellBase<T> Controller { get; }

    /// <summary>From the controller's output to every head's raw outputs (read heads first, then write heads: k, β̂, ĝ, ŝ, γ̂, and e, a).</summary>
    public Linear<T> Heads { get; }

    /// <summary>From [h_t; r_t] to the output.</summary>
    public Linear<T> Output { get; }

    /// <summary>Features of the external input.</summary>
    public int InputSize { get; }

    /// <summary>Features of the output.</summary>
    public int OutputSize { get; }

    /// <summary>N: memory locations.</summary>
    public int Slots { get; }

    /// <summary>M: features per location.</summary>
    public int Width { get; }

    /// <summary>R: read heads.</summary>
    public int ReadHeads { get; }

    /// <summary>W: write heads.</summary>
    public int WriteHeads { get; }

    // The logit of slot 0 in every head's initial weights (the others are 0): about 99 % of the weight for N = 128.
    private const double InitialFocus = 10;

    internal int Hidden { get; }

    internal int HeadOutputs { get; }

    internal Span<T> InitialReads => Parameters.AsSpan(0, ReadHeads * Width);

    /// <summary>A workspace for up to <paramref name="steps"/> steps of <paramref name="batch"/> sequences.</summary>
    public NtmWorkspace<T> CreateWorkspace(int steps, int batch) => new(this, steps, batch);

    /// <summary>
    /// Runs <paramref name="steps"/> steps from a fresh memory over <see cref="NtmWorkspace{T}.Input"/>
    /// ([T, B, inputSize]), writing <see cref="NtmWorkspace{T}.Logits"/> ([T, B, outputSize]).
    /// </summary>
    public void Forward(NtmWorkspace<T> workspace, int steps)
    {
        Check(workspace);
        workspace.Forward(steps);
    }

    /// <summary>Back-propagates <see cref="NtmWorkspace{T}.LogitGradient"/> (filled by the caller) through the last <see cref="Forward"/>, adding to every parameter's gradient.</summary>
    public void Backward(NtmWorkspace<T> workspace)
    {
        Check(workspace);
        workspace.Backward();
    }

    private void Check(NtmWorkspace<T> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Machine, this))
            throw new ArgumentException("The workspace was created by another machine; create one with this machine's CreateWorkspace.", nameof(workspace));
    }
}
