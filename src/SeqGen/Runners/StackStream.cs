using System;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Runners;

/// <summary>The states a streaming stack keeps between steps: one stream per layer.</summary>
public sealed class StackStream<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly StreamState<T>[] _layers;

    internal StackStream(object owner, StreamState<T>[] layers)
    {
        Owner = owner;
        _layers = layers;
    }

    internal object Owner { get; }

    /// <summary>The next step's input, [B, inputSize].</summary>
    public Span<T> Input => _layers[0].Input(0);

    /// <summary>The last layer's current output, [B, H].</summary>
    public Span<T> Output => _layers[^1].Output;

    /// <summary>The stream of one layer: its states, which <see cref="StreamState{T}.SetState"/> can set.</summary>
    public StreamState<T> Layer(int layer) => _layers[layer];

    /// <summary>Zeroes every layer's states.</summary>
    public void Reset()
    {
        foreach (StreamState<T> layer in _layers)
            layer.Reset();
    }
}
