using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;

namespace SeqGen.Models;

/// <summary>What a composed model reads from its recurrent encoder's output.</summary>
public enum Readout
{
    /// <summary>Every step's output ([T·B] rows; padded steps take no loss): sequence labelling, language models.</summary>
    EveryStep,
    /// <summary>The output at each sequence's last valid step ([B] rows).</summary>
    LastStep,
    /// <summary>
    /// Each direction's final state, concatenated ([B] rows): the forward direction's output at the
    /// last valid step and the reverse direction's at step 0, each having read the whole sequence
    /// (PyTorch's h_n of both directions). For one direction, the same as <see cref="LastStep"/>.
    /// </summary>
    FinalStates,
    /// <summary>The mean of the outputs over each sequence's valid steps ([B] rows).</summary>
    Mean,
}

/// <summary>The loss a composed model ends with.</summary>
public enum Loss
{
    /// <summary>Softmax cross-entropy against a class id per row (<see cref="SequenceModelWorkspace{T}.ClassTargets"/>).</summary>
    SoftmaxCrossEntropy,
    /// <summary>Mean squared error against values per row (<see cref="SequenceModelWorkspace{T}.ValueTargets"/>).</summary>
    MeanSquaredError,
    /// <summary>Binary cross-entropy of sigmoid(output) against values in [0, 1] per row.</summary>
    SigmoidBinaryCrossEntropy,
}

/// <summary>
/// A model built from parts and trained with one forward and one backward call: an optional
/// <see cref="Embedding{T}"/> (token ids in) or dense inputs, a <see cref="RecurrentStack{T}"/>,
/// a <see cref="Readout"/>, a chain of row layers (<see cref="Linear{T}"/>, <see cref="Activation{T}"/>,
/// <see cref="Dropout{T}"/>) and a <see cref="Loss"/>. Lengths and padding are handled once, in
/// the workspace: padded steps and empty rows take no loss and give no gradient. Its parameters are
/// named <c>embedding.weight</c>, <c>encoder.layer0.W_i</c>, <c>head.0.weight</c>, ...
/// </summary>
public sealed class SequenceModel<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly RowLayer<T>[] _head;

    /// <summary>A model over token ids: embedding, encoder, readout, head layers, loss.</summary>
    public SequenceModel(Embedding<T> embedding, RecurrentStack<T> encoder, Readout readout, Loss loss, params RowLayer<T>[] head)
        : this(encoder, readout, loss, head, embedding ?? throw new ArgumentNullException(nameof(embedding)))
    {
    }

    /// <summary>A model over dense inputs ([T, B, encoder.InputSize]): encoder, readout, head layers, loss.</summary>
    public SequenceModel(RecurrentStack<T> encoder, Readout readout, Loss loss, params RowLayer<T>[] head)
        : this(encoder, readout, loss, head, null)
    {
    }

    private SequenceModel(RecurrentStack<T> encoder, Readout readout, Loss loss, RowLayer<T>[] head, Embedding<T>? embedding)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(head);
        if (!Enum.IsDefined(readout))
            throw new ArgumentOutOfRangeException(nameof(readout), readout, "Unknown readout.");
        if (!Enum.IsDefined(loss))
            throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss.");
        if (embedding is not null && embedding.Dimension != encoder.InputSize)
            throw new ArgumentException($"The embedding's vectors have {embedding.Dimension} features but the encoder reads {encoder.InputSize}.", nameof(embedding));
        int features = encoder.OutputSize;
        for (int i = 0; i < head.Length; i++)
        {
            RowLayer<T> layer = head[i] ?? throw new ArgumentNullException(nameof(head), $"head[{i}] is null.");
            if (layer.Inputs != features)
                throw new ArgumentException($"head[{i}] ({layer.GetType().Name}) reads {layer.Inputs} features, but {(i == 0 ? "the readout gives" : $"head[{i - 1}] gives")} {features}.", nameof(head));
            features = layer.Outputs;
        }
        Embedding = embedding;
        Encoder = encoder;
        Readout = readout;
        Loss = loss;
        OutputSize = features;
        _head = (RowLayer<T>[])head.Clone();
        if (embedding is not null)
            AddChild("embedding", embedding);
        AddChild("encoder", encoder);
        if (head.Length > 0)
        {
            var headTree = new ModuleDict<T>();
            for (int i = 0; i < head.Length; i++)
                headTree.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), head[i]);
            AddChild("head", headTree);
        }
    }

    /// <summary>The embedding of token ids, or null for dense inputs.</summary>
    public Embedding<T>? Embedding { get; }

    /// <summary>The recurrent encoder.</summary>
    public RecurrentStack<T> Encoder { get; }

    /// <summary>What the head reads from the encoder's output.</summary>
    public Readout Readout { get; }

    /// <summary>The loss the model ends with.</summary>
    public Loss Loss { get; }

    /// <summary>The head's layers, in order.</summary>
    public ReadOnlySpan<RowLayer<T>> Head => _head;

    /// <summary>Features of each output row (classes for cross-entropy).</summary>
    public int OutputSize { get; }

    /// <summary>Features the readout gives the head.</summary>
    public int ReadoutSize => Encoder.OutputSize;

    /// <summary>Allocates every buffer of a pass over up to <paramref name="steps"/> steps of <paramref name="batch"/> sequences.</summary>
    public SequenceModelWorkspace<T> CreateWorkspace(int steps, int batch) => new(this, steps, batch);

    /// <summary>Runs the model over the workspace's batch and returns the mean loss over its valid rows.</summary>
    public T Forward(SequenceModelWorkspace<T> workspace)
    {
        Run(workspace);
        T loss = workspace.ComputeLoss();
        workspace.LossComputed = true;
        return loss;
    }

    /// <summary>Runs the model over the workspace's batch without a loss; read <see cref="SequenceModelWorkspace{T}.Output"/>.</summary>
    public ReadOnlySpan<T> Predict(SequenceModelWorkspace<T> workspace)
    {
        Run(workspace);
        return workspace.Output;
    }

    /// <summary>
    /// Back-propagates the last <see cref="Forward"/>'s loss through the head, the readout, the
    /// encoder and the embedding, adding every parameter's gradient (call ZeroGradients first).
    /// </summary>
    public void Backward(SequenceModelWorkspace<T> workspace)
    {
        Check(workspace);
        if (!workspace.LossComputed)
            throw new InvalidOperationException("Backward needs the loss of a Forward over the same workspace (Predict computes none); call Forward first.");
        int rows = workspace.Rows;
        for (int i = _head.Length - 1; i >= 0; i--)
            _head[i].Backward(workspace.Activation(i), workspace.Activation(i + 1), workspace.ActivationGradient(i + 1), workspace.ActivationGradient(i), rows);
        workspace.ReadoutBackward();
        Encoder.Backward(workspace.Stack, workspace.Steps);
        if (Embedding is not null)
            Embedding.Backward(workspace.Tokens, workspace.Stack.InputGradient.Slice(0, workspace.Steps * workspace.Batch * Encoder.InputSize));
    }

    private void Run(SequenceModelWorkspace<T> workspace)
    {
        Check(workspace);
        workspace.LossComputed = false;
        int steps = workspace.Steps, batch = workspace.Batch;
        if (Embedding is not null)
            Embedding.Forward(workspace.Tokens, workspace.Stack.Input.Slice(0, steps * batch * Encoder.InputSize));
        Encoder.Forward(workspace.Stack, steps);
        workspace.ReadoutForward();
        int rows = workspace.Rows;
        for (int i = 0; i < _head.Length; i++)
            _head[i].Forward(workspace.Activation(i), workspace.Activation(i + 1), rows);
    }

    private void Check(SequenceModelWorkspace<T> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Model, this))
            throw new ArgumentException("The workspace was created by another model; create one with this model's CreateWorkspace.", nameof(workspace));
    }
}
