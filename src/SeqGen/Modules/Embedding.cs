using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>A lookup table of vectors, as PyTorch's nn.Embedding (initialised N(0, 1)).</summary>
public sealed class Embedding<T> : IParameterized<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterInfo[] _infos;

    public Embedding(int count, int dimension, int seed = 0)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        if (dimension < 1)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1.");
        Count = count;
        Dimension = dimension;
        _infos = new[] { new ParameterInfo("weight", ParameterKind.Matrix, 0, count, dimension, true) };
        Parameters = new T[count * dimension];
        Gradients = new T[count * dimension];
        Initializers.Normal<T>(Parameters, 0, 1, new SeededRandom(seed));
    }

    public int Count { get; }

    public int Dimension { get; }

    public T[] Parameters { get; }

    public T[] Gradients { get; }

    public IReadOnlyList<ParameterInfo> ParameterInfos => _infos;

    /// <summary>Row r of y is the vector of ids[r].</summary>
    public void Forward(ReadOnlySpan<int> ids, Span<T> y)
    {
        if (y.Length != ids.Length * Dimension)
            throw new ArgumentException($"y has {y.Length} elements; expected [{ids.Length} x {Dimension}] = {ids.Length * Dimension}.", nameof(y));
        for (int r = 0; r < ids.Length; r++)
            Parameters.AsSpan(Row(ids, r), Dimension).CopyTo(y.Slice(r * Dimension, Dimension));
    }

    /// <summary>Adds row r of dy to the gradient of the vector of ids[r].</summary>
    public void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<T> dy)
    {
        if (dy.Length != ids.Length * Dimension)
            throw new ArgumentException($"dy has {dy.Length} elements; expected [{ids.Length} x {Dimension}] = {ids.Length * Dimension}.", nameof(dy));
        for (int r = 0; r < ids.Length; r++)
            Gemm.AddScaled(Gradients.AsSpan(Row(ids, r), Dimension), T.One, dy.Slice(r * Dimension, Dimension));
    }

    private int Row(ReadOnlySpan<int> ids, int r)
    {
        int id = ids[r];
        if ((uint)id >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(ids), id, $"ids[{r}] = {id} is not in 0..{Count - 1}.");
        return id * Dimension;
    }
}
