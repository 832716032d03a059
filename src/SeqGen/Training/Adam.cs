using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Training;

/// <summary>
/// Adam with bias correction (Kingma and Ba); with <c>decoupledWeightDecay</c> it is AdamW
/// (Loshchilov and Hutter), as PyTorch's torch.optim.Adam and AdamW.
/// </summary>
public sealed class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _first, _second;
    private readonly double _beta1, _beta2, _epsilon, _weightDecay;
    private readonly bool _decoupled;

    /// <summary>Adam over every trainable parameter of <paramref name="model"/>.</summary>
    /// <param name="model">The module tree to train.</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="beta1">Decay of the first-moment average.</param>
    /// <param name="beta2">Decay of the second-moment average.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty (added to the gradient, or with <paramref name="decoupledWeightDecay"/> applied to the weights).</param>
    /// <param name="decoupledWeightDecay">AdamW's decoupled weight decay.</param>
    public Adam(Module<T> model, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0, bool decoupledWeightDecay = false)
        : base(model, learningRate)
    {
        RequireRange(beta1, 0, 1 - 1e-12, nameof(beta1));
        RequireRange(beta2, 0, 1 - 1e-12, nameof(beta2));
        RequireRange(epsilon, 0, double.MaxValue, nameof(epsilon));
        RequireRange(weightDecay, 0, double.MaxValue, nameof(weightDecay));
        (_beta1, _beta2, _epsilon, _weightDecay, _decoupled) = (beta1, beta2, epsilon, weightDecay, decoupledWeightDecay);
        _first = NewState();
        _second = NewState();
    }

    /// <summary>AdamW: Adam with weight decay applied to the parameters directly (default decay 0.01, as PyTorch).</summary>
    public static Adam<T> AdamW(Module<T> model, double learningRate = 1e-3, double weightDecay = 0.01,
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new(model, learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay: true);

    internal override string Kind => "adam";

    internal override IEnumerable<KeyValuePair<string, T[][]>> StateBuffers
    {
        get
        {
            yield return new KeyValuePair<string, T[][]>("first_moment", _first);
            yield return new KeyValuePair<string, T[][]>("second_moment", _second);
        }
    }

    private protected override void Update(int owner, Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        T lr = Cast(LearningRate), b1 = Cast(_beta1), b2 = Cast(_beta2), eps = Cast(_epsilon), decay = Cast(_weightDecay);
        T correction1 = T.One - Cast(Math.Pow(_beta1, StepCount));
        T correction2 = T.One - Cast(Math.Pow(_beta2, StepCount));
        Span<T> m = _first[owner].AsSpan(offset, parameters.Length);
        Span<T> v = _second[owner].AsSpan(offset, parameters.Length);
        T shrink = T.One - lr * decay;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // The scalar loop's operations in the same order, a vector at a time.
            Vector<T> vb1 = new(b1), vb2 = new(b2), rest1 = new(T.One - b1), rest2 = new(T.One - b2), vlr = new(lr),
                vc1 = new(correction1), vc2 = new(correction2), veps = new(eps), vshrink = new(shrink), vdecay = new(decay);
            for (; i <= parameters.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var g = new Vector<T>(gradients.Slice(i));
                var p = new Vector<T>(parameters.Slice(i));
                if (_decoupled)
                    p *= vshrink;
                else
                    g += vdecay * p;
                Vector<T> mi = vb1 * new Vector<T>(m.Slice(i)) + rest1 * g;
                Vector<T> vi = vb2 * new Vector<T>(v.Slice(i)) + rest2 * g * g;
                p -= vlr * (mi / vc1) / (Vector.SquareRoot(vi / vc2) + veps);
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
                p.CopyTo(parameters.Slice(i));
            }
        }
        for (; i < parameters.Length; i++)
        {
            T g = gradients[i];
            if (_decoupled)
                parameters[i] *= shrink;
            else
                g += decay * parameters[i];
            m[i] = b1 * m[i] + (T.One - b1) * g;
            v[i] = b2 * v[i] + (T.One - b2) * g * g;
            parameters[i] -= lr * (m[i] / correction1) / (T.Sqrt(v[i] / correction2) + eps);
        }
    }
}
