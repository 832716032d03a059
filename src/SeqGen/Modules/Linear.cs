using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>
/// A dense layer y = x·Wᵀ + b over rows, as PyTorch's nn.Linear (W is [outputs × inputs]),
/// initialised with PyTorch's default U(±1/sqrt(inputs)).
/// </summary>
public sealed class Linear<T> : IParameterized<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterInfo[] _infos;

    public Linear(int inputs, int outputs, int seed = 0, bool bias = true)
    {
        if (inputs < 1)
            throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "inputs must be at least 1.");
        if (outputs < 1)
            throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "outputs must be at least 1.");
        Inputs = inputs;
        Outputs = outputs;
        HasBias = bias;
        _infos = bias
            ? new[] { new ParameterInfo("weight", ParameterKind.Matrix, 0, outputs, inputs, true), new ParameterInfo("bias", ParameterKind.Vector, outputs * inputs, outputs, 1, true) }
            : new[] { new ParameterInfo("weight", ParameterKind.Matrix, 0, outputs, inputs, true) };
        int count = outputs * inputs + (bias ? outputs : 0);
        Parameters = new T[count];
        Gradients = new T[count];
        double bound = 1 / Math.Sqrt(inputs);
        Initializers.Uniform<T>(Parameters, -bound, bound, new SeededRandom(seed));
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public bool HasBias { get; }

    public T[] Parameters { get; }

    public T[] Gradients { get; }

    public IReadOnlyList<ParameterInfo> ParameterInfos => _infos;

    public Span<T> Weight => Parameters.AsSpan(0, Outputs * Inputs);

    public Span<T> Bias => HasBias ? Parameters.AsSpan(Outputs * Inputs, Outputs) : Span<T>.Empty;

    /// <summary>y [rows × outputs] = x [rows × inputs] · Wᵀ + b.</summary>
    public void Forward(ReadOnlySpan<T> x, Span<T> y, int rows)
    {
        Check(x.Length, rows * Inputs, nameof(x), rows, Inputs);
        Check(y.Length, rows * Outputs, nameof(y), rows, Outputs);
        Gemm.Compute<T>(false, true, rows, Outputs, Inputs, x, Inputs, Weight, Inputs, y, Outputs, false);
        if (HasBias)
        {
            ReadOnlySpan<T> bias = Bias;
            for (int r = 0; r < rows; r++)
                Gemm.AddScaled(y.Slice(r * Outputs, Outputs), T.One, bias);
        }
    }

    /// <summary>From dy: adds to the weight and bias gradients and, when <paramref name="dx"/> is not empty, writes dx.</summary>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, int rows)
    {
        Check(x.Length, rows * Inputs, nameof(x), rows, Inputs);
        Check(dy.Length, rows * Outputs, nameof(dy), rows, Outputs);
        Gemm.Compute<T>(true, false, Outputs, Inputs, rows, dy, Outputs, x, Inputs, Gradients.AsSpan(0, Outputs * Inputs), Inputs, true);
        if (HasBias)
        {
            Span<T> biasGradient = Gradients.AsSpan(Outputs * Inputs, Outputs);
            for (int r = 0; r < rows; r++)
                Gemm.AddScaled(biasGradient, T.One, dy.Slice(r * Outputs, Outputs));
        }
        if (!dx.IsEmpty)
        {
            Check(dx.Length, rows * Inputs, nameof(dx), rows, Inputs);
            Gemm.Compute<T>(false, false, rows, Inputs, Outputs, dy, Outputs, Weight, Inputs, dx, Inputs, false);
        }
    }

    private static void Check(int actual, int expected, string name, int rows, int columns)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; expected [{rows} x {columns}] = {expected}.", name);
    }
}
