using System;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Modules;

/// <summary>
/// A module applied to each row of a [rows × inputs] matrix independently: a dense layer, an
/// activation, dropout. Composed models chain them as heads after a recurrent encoder.
/// </summary>
public abstract class RowLayer<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A layer with no parameters.</summary>
    protected RowLayer()
    {
    }

    /// <summary>A layer owning the parameters <paramref name="parameterInfos"/> describes.</summary>
    protected RowLayer(ParameterInfo[] parameterInfos)
        : base(parameterInfos)
    {
    }

    /// <summary>Features of each input row.</summary>
    public abstract int Inputs { get; }

    /// <summary>Features of each output row.</summary>
    public abstract int Outputs { get; }

    /// <summary>y [rows × outputs] from x [rows × inputs].</summary>
    public abstract void Forward(ReadOnlySpan<T> x, Span<T> y, int rows);

    /// <summary>
    /// From dy (and the forward's x and y): adds to parameter gradients and, when
    /// <paramref name="dx"/> is not empty, writes dx.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows);

    /// <summary>Throws unless a buffer holds exactly [rows × columns] elements.</summary>
    protected static void RequireShape(int actual, int rows, int columns, string name)
    {
        if (actual != rows * columns)
            throw new ArgumentException($"{name} has {actual} elements; expected [{rows} x {columns}] = {rows * columns}.", name);
    }
}

/// <summary>The elementwise functions <see cref="Activation{T}"/> applies.</summary>
public enum ActivationFunction
{
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>1 / (1 + exp(−x)).</summary>
    Sigmoid,
}

/// <summary>An elementwise activation between dense layers (PyTorch's nn.Tanh, nn.ReLU, nn.Sigmoid).</summary>
public sealed class Activation<T> : RowLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _size;

    /// <summary>Applies <paramref name="function"/> to rows of <paramref name="size"/> features.</summary>
    public Activation(ActivationFunction function, int size)
    {
        if (size < 1)
            throw new ArgumentOutOfRangeException(nameof(size), size, "size must be at least 1.");
        if (!Enum.IsDefined(function))
            throw new ArgumentOutOfRangeException(nameof(function), function, "Unknown activation.");
        Function = function;
        _size = size;
    }

    /// <summary>The function applied.</summary>
    public ActivationFunction Function { get; }

    /// <inheritdoc/>
    public override int Inputs => _size;

    /// <inheritdoc/>
    public override int Outputs => _size;

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<T> x, Span<T> y, int rows)
    {
        RequireShape(x.Length, rows, _size, nameof(x));
        RequireShape(y.Length, rows, _size, nameof(y));
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            y[i] = Function switch
            {
                ActivationFunction.Tanh => T.Tanh(v),
                ActivationFunction.Relu => T.Max(v, T.Zero),
                _ => T.One / (T.One + T.Exp(-v)),
            };
        }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows)
    {
        RequireShape(y.Length, rows, _size, nameof(y));
        RequireShape(dy.Length, rows, _size, nameof(dy));
        if (dx.IsEmpty)
            return;
        RequireShape(dx.Length, rows, _size, nameof(dx));
        for (int i = 0; i < y.Length; i++)
        {
            T v = y[i];
            T derivative = Function switch
            {
                ActivationFunction.Tanh => T.One - v * v,
                ActivationFunction.Relu => v > T.Zero ? T.One : T.Zero,
                _ => v * (T.One - v),
            };
            dx[i] = dy[i] * derivative;
        }
    }
}

/// <summary>
/// Inverted dropout (PyTorch's nn.Dropout): in training mode each element is zeroed with
/// probability p and the rest scaled by 1/(1 − p); in evaluation mode it passes rows through.
/// </summary>
public sealed class Dropout<T> : RowLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _size;
    private readonly Numerics.SeededRandom _random;
    private T[] _mask = Array.Empty<T>();
    private bool _masked;

    /// <summary>Drops elements of rows of <paramref name="size"/> features with <paramref name="probability"/>, masks drawn from <paramref name="seed"/>.</summary>
    public Dropout(int size, double probability, int seed = 0)
    {
        if (size < 1)
            throw new ArgumentOutOfRangeException(nameof(size), size, "size must be at least 1.");
        if (!(probability >= 0 && probability < 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "probability must be in [0, 1).");
        _size = size;
        Probability = probability;
        _random = new Numerics.SeededRandom(seed);
    }

    /// <summary>The probability of dropping an element.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public override int Inputs => _size;

    /// <inheritdoc/>
    public override int Outputs => _size;

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<T> x, Span<T> y, int rows)
    {
        RequireShape(x.Length, rows, _size, nameof(x));
        RequireShape(y.Length, rows, _size, nameof(y));
        _masked = IsTraining && Probability > 0;
        if (!_masked)
        {
            x.CopyTo(y);
            return;
        }
        if (_mask.Length < x.Length)
            _mask = new T[x.Length];
        T keep = T.CreateChecked(1 / (1 - Probability));
        for (int i = 0; i < x.Length; i++)
        {
            _mask[i] = _random.NextDouble() < Probability ? T.Zero : keep;
            y[i] = x[i] * _mask[i];
        }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows)
    {
        RequireShape(dy.Length, rows, _size, nameof(dy));
        if (dx.IsEmpty)
            return;
        RequireShape(dx.Length, rows, _size, nameof(dx));
        for (int i = 0; i < dy.Length; i++)
            dx[i] = _masked ? dy[i] * _mask[i] : dy[i];
    }
}
