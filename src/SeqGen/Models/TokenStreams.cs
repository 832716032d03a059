using System;
using System.Numerics;

namespace SeqGen.Models;

/// <summary>
/// Splits one long token sequence into <c>batch</c> contiguous parallel streams and serves them in
/// chunks of up to <c>steps</c> steps, each token's target being the next one (the language-model
/// batching of PyTorch's word_language_model). Consecutive chunks continue each stream, so carry
/// the encoder's states between them (<see cref="Runners.StackWorkspace{T}.CarryStates"/>) and
/// reset them when <see cref="Reset"/> starts over.
/// </summary>
public sealed class TokenStreams
{
    private readonly int[] _corpus;
    private int _position;

    /// <summary>Streams over <paramref name="corpus"/> (copied) for batches of <paramref name="batch"/> streams and chunks of <paramref name="steps"/>.</summary>
    public TokenStreams(ReadOnlySpan<int> corpus, int batch, int steps)
    {
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1.");
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1.");
        StreamLength = (corpus.Length - 1) / batch;
        if (StreamLength < 1)
            throw new ArgumentException($"corpus has {corpus.Length} tokens; {batch} streams need at least {batch + 1}.", nameof(corpus));
        _corpus = corpus.ToArray();
        Batch = batch;
        Steps = steps;
    }

    /// <summary>Streams per batch.</summary>
    public int Batch { get; }

    /// <summary>Most steps per chunk.</summary>
    public int Steps { get; }

    /// <summary>Input tokens per stream (the corpus's tail that does not fill every stream is dropped).</summary>
    public int StreamLength { get; }

    /// <summary>Chunks per pass over the corpus.</summary>
    public int ChunkCount => (StreamLength + Steps - 1) / Steps;

    /// <summary>Starts again at the beginning of every stream.</summary>
    public void Reset() => _position = 0;

    /// <summary>
    /// Writes the next chunk, time-major [steps, Batch], into <paramref name="inputs"/> and its
    /// next-token targets into <paramref name="targets"/>, and returns its steps (the last chunk may
    /// be shorter; 0 once the streams are exhausted).
    /// </summary>
    public int Next(Span<int> inputs, Span<int> targets)
    {
        int steps = Math.Min(Steps, StreamLength - _position);
        if (steps <= 0)
            return 0;
        if (inputs.Length < steps * Batch)
            throw new ArgumentException($"inputs has {inputs.Length} elements; this chunk needs [{steps} x {Batch}] = {steps * Batch}.", nameof(inputs));
        if (targets.Length < steps * Batch)
            throw new ArgumentException($"targets has {targets.Length} elements; this chunk needs [{steps} x {Batch}] = {steps * Batch}.", nameof(targets));
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                int source = b * StreamLength + _position + t;
                inputs[t * Batch + b] = _corpus[source];
                targets[t * Batch + b] = _corpus[source + 1];
            }
        }
        _position += steps;
        return steps;
    }

    /// <summary>
    /// Loads the next chunk into an every-step model's workspace (tokens, targets, steps; no
    /// padding) and returns its steps, or 0 once the streams are exhausted.
    /// </summary>
    public int Next<T>(SequenceModelWorkspace<T> workspace) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (workspace.Batch != Batch)
            throw new ArgumentException($"The workspace holds {workspace.Batch} sequences; these streams are {Batch}.", nameof(workspace));
        int steps = Math.Min(Steps, StreamLength - _position);
        if (steps <= 0)
            return 0;
        workspace.SetLengths(ReadOnlySpan<int>.Empty);
        workspace.Steps = steps;
        return Next(workspace.Tokens, workspace.ClassTargets);
    }
}
