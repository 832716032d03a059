using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>A lookup table of vectors, as PyTorch's nn.Embedding (initialised N(0, 1)).</summary>
public sealed class Embedding<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A table of <paramref name="count"/> vectors of <paramref name="dimension"/> features (parameter <c>weight</c>).</summary>
    /// <param name="count">Number of ids (the vocabulary size); ids run from 0 to count − 1.</param>
    /// <param name="dimension">Features of each vector.</param>
    /// <param name="seed">Seed of the initial vectors.</param>
    public Embedding(int count, int dimension, int seed = 0)
        : base(Layout(count, dimension))
    {
        Count = count;
        Dimension = dimension;
        Initializers.Normal<T>(Parameters, 0, 1, new SeededRandom(seed));
    }

    private static ParameterInfo[] Layout(int count, int dimension)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        if (dimension < 1)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1.");
        return new[] { new ParameterInfo("weight", ParameterKind.Matrix, 0, count, dimension, true) };
    }

    /// <summary>Number of ids.</summary>
    public int Count { get; }

    /// <summary>Features of each vector.</summary>
    public int Dimension { get; }

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
