using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>
/// A dense layer y = x·Wᵀ + b over rows, as PyTorch's nn.Linear (W is [outputs × inputs]),
/// initialised with PyTorch's default U(±1/sqrt(inputs)).
/// </summary>
public sealed class Linear<T> : RowLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A dense layer from <paramref name="inputs"/> to <paramref name="outputs"/> features per row.</summary>
    /// <param name="inputs">Features of each input row.</param>
    /// <param name="outputs">Features of each output row.</param>
    /// <param name="seed">Seed of the initial weights (the same seed gives the same layer).</param>
    /// <param name="bias">Whether the layer adds a learned bias (parameter <c>bias</c>, [outputs]).</param>
    public Linear(int inputs, int outputs, int seed = 0, bool bias = true)
        : base(Layout(inputs, outputs, bias))
    {
        Inputs = inputs;
        Outputs = outputs;
        HasBias = bias;
        double bound = 1 / Math.Sqrt(inputs);
        Initializers.Uniform<T>(Parameters, -bound, bound, new SeededRandom(seed));
    }

    private static ParameterInfo[] Layout(int inputs, int outputs, bool bias)
    {
        if (inputs < 1)
            throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "inputs must be at least 1.");
        if (outputs < 1)
            throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "outputs must be at least 1.");
        var weight = new ParameterInfo("weight", ParameterKind.Matrix, 0, outputs, inputs, true);
        return bias ? new[] { weight, new ParameterInfo("bias", ParameterKind.Vector, outputs * inputs, outputs, 1, true) } : new[] { weight };
    }

    /// <inheritdoc/>
    public override int Inputs { get; }

    /// <inheritdoc/>
    public override int Outputs { get; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool HasBias { get; }

    /// <summary>The weight, [outputs x inputs] row-major as PyTorch's.</summary>
    public Span<T> Weight => Parameters.AsSpan(0, Outputs * Inputs);

    /// <summary>The bias, [outputs] (empty without one).</summary>
    public Span<T> Bias => HasBias ? Parameters.AsSpan(Outputs * Inputs, Outputs) : Span<T>.Empty;

    /// <summary>y [rows × outputs] = x [rows × inputs] · Wᵀ + b.</summary>
    public override void Forward(ReadOnlySpan<T> x, Span<T> y, int rows)
    {
        RequireShape(x.Length, rows, Inputs, nameof(x));
        RequireShape(y.Length, rows, Outputs, nameof(y));
        Gemm.Compute<T>(false, true, rows, Outputs, Inputs, x, Inputs, Weight, Inputs, y, Outputs, false);
        if (HasBias)
        {
            ReadOnlySpan<T> bias = Bias;
            for (int r = 0; r < rows; r++)
                Gemm.AddScaled(y.Slice(r * Outputs, Outputs), T.One, bias);
        }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows) => Backward(x, dy, dx, rows);

    /// <summary>From dy: adds to the weight and bias gradients and, when <paramref name="dx"/> is not empty, writes dx.</summary>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, int rows)
    {
        RequireShape(x.Length, rows, Inputs, nameof(x));
        RequireShape(dy.Length, rows, Outputs, nameof(dy));
        Gemm.Compute<T>(true, false, Outputs, Inputs, rows, dy, Outputs, x, Inputs, Gradients.AsSpan(0, Outputs * Inputs), Inputs, true);
        if (HasBias)
        {
            Span<T> biasGradient = Gradients.AsSpan(Outputs * Inputs, Outputs);
            for (int r = 0; r < rows; r++)
                Gemm.AddScaled(biasGradient, T.One, dy.Slice(r * Outputs, Outputs));
        }
        if (!dx.IsEmpty)
        {
            RequireShape(dx.Length, rows, Inputs, nameof(dx));
            Gemm.Compute<T>(false, false, rows, Inputs, Outputs, dy, Outputs, Weight, Inputs, dx, Inputs, false);
        }
    }
}
