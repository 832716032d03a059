using System;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// The state a streaming cell keeps between steps: current (and, for lagged cells, past) states,
/// and the inputs of the next step. Fill <see cref="Input"/>, call the cell's Step, read
/// <see cref="Output"/>.
/// </summary>
public abstract class StreamState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Streaming state of <paramref name="batch"/> sequences for the cell <paramref name="owner"/>.</summary>
    protected StreamState(object owner, int batch)
    {
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "A stream holds at least one sequence.");
        Owner = owner;
        Batch = batch;
    }

    /// <summary>The cell that made this stream.</summary>
    public object Owner { get; }

    /// <summary>Sequences streamed side by side.</summary>
    public int Batch { get; }

    /// <summary>The next step's input <paramref name="input"/>, [B, size].</summary>
    public abstract Span<T> Input(int input);

    /// <summary>The current value of state <paramref name="state"/>, [B, size].</summary>
    public abstract Span<T> State(int state);

    /// <summary>The current output, [B, size].</summary>
    public abstract Span<T> Output { get; }

    /// <summary>Sets every state, and every remembered past value, to zero.</summary>
    public abstract void Reset();

    /// <summary>Sets state <paramref name="state"/> (and its remembered past values) to <paramref name="value"/>, [B, size].</summary>
    public abstract void SetState(int state, ReadOnlySpan<T> value);
}
