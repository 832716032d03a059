using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight
/// decay, as PyTorch's torch.optim.SGD with dampening 0.
/// </summary>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][]? _velocity;
    private readonly double _momentum, _weightDecay;
    private readonly bool _nesterov;

    /// <summary>SGD over every trainable parameter of <paramref name="model"/>.</summary>
    /// <param name="model">The module tree to train (a cell, a stack, a composed model, a <see cref="ModuleDict{T}"/>).</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="momentum">Heavy-ball momentum in [0, 1]; 0 for plain SGD.</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0).</param>
    /// <param name="weightDecay">L2 penalty added to each gradient.</param>
    public Sgd(Module<T> model, double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(model, learningRate)
    {
        RequireRange(momentum, 0, 1, nameof(momentum));
        RequireRange(weightDecay, 0, double.MaxValue, nameof(weightDecay));
        if (nesterov && momentum == 0)
            throw new ArgumentException("Nesterov momentum needs momentum > 0.", nameof(nesterov));
        _momentum = momentum;
        _nesterov = nesterov;
        _weightDecay = weightDecay;
        _velocity = momentum > 0 ? NewState() : null;
    }

    internal override string Kind => "sgd";

    internal override IEnumerable<KeyValuePair<string, T[][]>> StateBuffers
    {
        get
        {
            if (_velocity is not null)
                yield return new KeyValuePair<string, T[][]>("velocity", _velocity);
        }
    }

    private protected override void Update(int owner, Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        T lr = Cast(LearningRate), decay = Cast(_weightDecay), mu = Cast(_momentum);
        Span<T> velocity = _velocity is null ? default : _velocity[owner].AsSpan(offset, parameters.Length);
        bool first = StepCount == 1;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // The scalar loop's operations in the same order, a vector at a time.
            Vector<T> vlr = new(lr), vdecay = new(decay), vmu = new(mu);
            for (; i <= parameters.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var p = new Vector<T>(parameters.Slice(i));
                Vector<T> g = new Vector<T>(gradients.Slice(i)) + vdecay * p;
                if (_velocity is not null)
                {
                    Vector<T> u = first ? g : vmu * new Vector<T>(velocity.Slice(i)) + g;
                    u.CopyTo(velocity.Slice(i));
                    g = _nesterov ? g + vmu * u : u;
                }
                (p - vlr * g).CopyTo(parameters.Slice(i));
            }
        }
        for (; i < parameters.Length; i++)
        {
            T g = gradients[i] + decay * parameters[i];
            if (_velocity is not null)
            {
                // PyTorch starts the buffer at the first gradient rather than at zero.
                velocity[i] = first ? g : mu * velocity[i] + g;
                g = _nesterov ? g + mu * velocity[i] : velocity[i];
            }
            parameters[i] -= lr * g;
        }
    }
}
