using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Training;

/// <summary>
/// Updates the trainable parameters of a module tree from their gradients. The tree is walked
/// once, at construction (a module reached twice is an error there); state (momentum and moment
/// buffers) is allocated then, in each module's own layout, and fixed parameters are left alone.
/// </summary>
public abstract class Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Module<T> _model;
    private readonly Module<T>[] _owners;
    private readonly NamedParameter<T>[] _parameters;
    private readonly int[] _ownerOf;

    private protected Optimizer(Module<T> model, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(learningRate >= 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learningRate must be a non-negative number.");
        _model = model;
        IReadOnlyList<NamedParameter<T>> parameters = model.NamedParameters();
        _parameters = new NamedParameter<T>[parameters.Count];
        _ownerOf = new int[parameters.Count];
        var owners = new List<Module<T>>();
        for (int p = 0; p < parameters.Count; p++)
        {
            _parameters[p] = parameters[p];
            if (owners.Count == 0 || !ReferenceEquals(owners[^1], parameters[p].Owner))
                owners.Add(parameters[p].Owner);
            _ownerOf[p] = owners.Count - 1;
        }
        _owners = owners.ToArray();
        LearningRate = learningRate;
    }

    /// <summary>The step size; may be changed between steps (a schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; internal set; }

    /// <summary>The module tree this optimizer updates.</summary>
    public Module<T> Model => _model;

    /// <summary>A stable name of the algorithm ("sgd", "adam", "rmsprop"), stored in checkpoints.</summary>
    internal abstract string Kind { get; }

    /// <summary>The optimizer's state buffers by name, one array per parameter-owning module.</summary>
    internal abstract IEnumerable<KeyValuePair<string, T[][]>> StateBuffers { get; }

    /// <summary>The parameters updated, in the tree's order.</summary>
    internal ReadOnlySpan<NamedParameter<T>> ParameterList => _parameters;

    /// <summary>Index of the module whose state buffer holds parameter <paramref name="parameter"/>'s state.</summary>
    internal int OwnerIndex(int parameter) => _ownerOf[parameter];

    /// <summary>One update of every trainable parameter from its current gradient.</summary>
    public void Step()
    {
        StepCount++;
        for (int p = 0; p < _parameters.Length; p++)
        {
            NamedParameter<T> parameter = _parameters[p];
            if (parameter.Trainable)
                Update(_ownerOf[p], parameter.Value, parameter.Gradient, parameter.Info.Offset);
        }
    }

    /// <summary>Zeroes the gradients of every module of the tree.</summary>
    public void ZeroGradients() => _model.ZeroGradients();

    /// <summary>Updates one parameter; <paramref name="offset"/> locates its state in module <paramref name="owner"/>'s buffers.</summary>
    private protected abstract void Update(int owner, Span<T> parameters, ReadOnlySpan<T> gradients, int offset);

    /// <summary>One state buffer per parameter-owning module, the size of its parameters.</summary>
    private protected T[][] NewState()
    {
        var state = new T[_owners.Length][];
        for (int i = 0; i < state.Length; i++)
            state[i] = new T[_owners[i].Parameters.Length];
        return state;
    }

    private protected static T Cast(double value) => T.CreateChecked(value);

    private protected static void RequireRange(double value, double low, double high, string name)
    {
        if (!(value >= low && value <= high))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}].");
    }
}
