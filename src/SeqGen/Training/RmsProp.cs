using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Training;

/// <summary>RMSprop (Hinton), optionally centred and with momentum, as PyTorch's torch.optim.RMSprop.</summary>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _square;
    private readonly T[][]? _mean, _buffer;
    private readonly double _alpha, _epsilon, _momentum, _weightDecay;

    /// <summary>RMSprop over every trainable parameter of <paramref name="model"/>.</summary>
    /// <param name="model">The module tree to train.</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="alpha">Decay of the squared-gradient average.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="momentum">Momentum of the update; 0 for none.</param>
    /// <param name="centered">Divide by the estimated variance instead of the raw second moment.</param>
    /// <param name="weightDecay">L2 penalty added to each gradient.</param>
    public RmsProp(Module<T> model, double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8,
        double momentum = 0, bool centered = false, double weightDecay = 0)
        : base(model, learningRate)
    {
        RequireRange(alpha, 0, 1, nameof(alpha));
        RequireRange(epsilon, 0, double.MaxValue, nameof(epsilon));
        RequireRange(momentum, 0, 1, nameof(momentum));
        RequireRange(weightDecay, 0, double.MaxValue, nameof(weightDecay));
        (_alpha, _epsilon, _momentum, _weightDecay) = (alpha, epsilon, momentum, weightDecay);
        _square = NewState();
        _mean = centered ? NewState() : null;
        _buffer = momentum > 0 ? NewState() : null;
    }

    internal override string Kind => "rmsprop";

    internal override IEnumerable<KeyValuePair<string, T[][]>> StateBuffers
    {
        get
        {
            yield return new KeyValuePair<string, T[][]>("square_average", _square);
            if (_mean is not null)
                yield return new KeyValuePair<string, T[][]>("average", _mean);
            if (_buffer is not null)
                yield return new KeyValuePair<string, T[][]>("momentum_buffer", _buffer);
        }
    }

    private protected override void Update(int owner, Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        T lr = Cast(LearningRate), alpha = Cast(_alpha), eps = Cast(_epsilon), mu = Cast(_momentum), decay = Cast(_weightDecay);
        Span<T> square = _square[owner].AsSpan(offset, parameters.Length);
        Span<T> mean = _mean is null ? default : _mean[owner].AsSpan(offset, parameters.Length);
        Span<T> buffer = _buffer is null ? default : _buffer[owner].AsSpan(offset, parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i] + decay * parameters[i];
            square[i] = alpha * square[i] + (T.One - alpha) * g * g;
            T variance = square[i];
            if (_mean is not null)
            {
                mean[i] = alpha * mean[i] + (T.One - alpha) * g;
                variance -= mean[i] * mean[i];
            }
            T denominator = T.Sqrt(variance) + eps;
            if (_buffer is not null)
            {
                buffer[i] = mu * buffer[i] + g / denominator;
                parameters[i] -= lr * buffer[i];
            }
            else
            {
                parameters[i] -= lr * g / denominator;
            }
        }
    }
}
