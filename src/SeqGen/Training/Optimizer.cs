using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Training;

/// <summary>
/// Updates the trainable parameters of some modules from their gradients. State (momentum and
/// moment buffers) is allocated once, at construction, in the modules' own layout; fixed
/// parameters are left alone.
/// </summary>
public abstract class Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IParameterized<T>[] _modules;

    protected Optimizer(IReadOnlyList<IParameterized<T>> modules, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (!(learningRate >= 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learningRate must be a non-negative number.");
        _modules = new IParameterized<T>[modules.Count];
        for (int i = 0; i < _modules.Length; i++)
            _modules[i] = modules[i] ?? throw new ArgumentNullException(nameof(modules), $"modules[{i}] is null.");
        LearningRate = learningRate;
    }

    /// <summary>The step size; may be changed between steps (a schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; internal set; }

    /// <summary>The optimizer's state buffers by name (one array per module), for checkpoints.</summary>
    internal abstract IEnumerable<KeyValuePair<string, T[][]>> StateBuffers { get; }

    protected IReadOnlyList<IParameterized<T>> Modules => _modules;

    /// <summary>One update of every trainable parameter from its current gradient.</summary>
    public void Step()
    {
        StepCount++;
        for (int m = 0; m < _modules.Length; m++)
        {
            IParameterized<T> module = _modules[m];
            for (int p = 0; p < module.ParameterInfos.Count; p++)
            {
                ParameterInfo info = module.ParameterInfos[p];
                if (info.Trainable)
                    Update(m, module.Parameters.AsSpan(info.Offset, info.Length), module.Gradients.AsSpan(info.Offset, info.Length), info.Offset);
            }
        }
    }

    /// <summary>Zeroes every module's gradients.</summary>
    public void ZeroGradients()
    {
        foreach (IParameterized<T> module in _modules)
            Array.Clear(module.Gradients);
    }

    /// <summary>Updates one parameter; <paramref name="offset"/> locates its state in module <paramref name="module"/>'s buffers.</summary>
    protected abstract void Update(int module, Span<T> parameters, ReadOnlySpan<T> gradients, int offset);

    /// <summary>One state buffer per module, the size of its parameters.</summary>
    protected T[][] NewState()
    {
        var state = new T[_modules.Length][];
        for (int i = 0; i < state.Length; i++)
            state[i] = new T[_modules[i].Parameters.Length];
        return state;
    }

    protected static T Cast(double value) => T.CreateChecked(value);

    protected static void RequireRange(double value, double low, double high, string name)
    {
        if (!(value >= low && value <= high))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}].");
    }
}
