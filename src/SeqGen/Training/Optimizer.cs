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

    /// <summary>What <see cref="Step()"/> does when a gradient holds NaN or infinity (default: throw).</summary>
    public NonFiniteHandling NonFinite { get; set; } = NonFiniteHandling.Throw;

    /// <summary>Steps skipped because their gradient (or loss) was not finite (see <see cref="NonFiniteHandling.Skip"/>).</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>
    /// One update of every trainable parameter from its current gradient. A NaN or infinity in any
    /// trainable gradient leaves every parameter and all optimizer state unchanged, and then either
    /// throws a <see cref="NonFiniteGradientException"/> naming the step and the parameter, or counts
    /// the step in <see cref="SkippedSteps"/> (<see cref="NonFinite"/>).
    /// </summary>
    /// <returns>Whether the parameters were updated.</returns>
    public bool Step()
    {
        for (int p = 0; p < _parameters.Length; p++)
        {
            NamedParameter<T> parameter = _parameters[p];
            // A sum of squares in double is finite exactly when every float32 or float64 element is.
            if (parameter.Trainable && !double.IsFinite(Numerics.SpanMath.SumOfSquares<T>(parameter.Gradient)) && !IsFinite(parameter.Gradient))
                return Refuse($"the gradient of '{parameter.Name}' is not finite");
        }
        Apply();
        return true;
    }

    /// <summary>
    /// <see cref="Step()"/> after checking the step's <paramref name="loss"/> too: a non-finite loss
    /// is handled as a non-finite gradient is.
    /// </summary>
    public bool Step(double loss) => double.IsFinite(loss) ? Step() : Refuse(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the loss is {loss}"));

    private bool Refuse(string why)
    {
        if (NonFinite == NonFiniteHandling.Throw)
            throw new NonFiniteGradientException(StepCount + 1, $"Training step {StepCount + 1}: {why}; no parameter or optimizer state was changed. Clip or lower the learning rate, or set NonFinite = Skip to skip such steps.");
        SkippedSteps++;
        return false;
    }

    private static bool IsFinite(ReadOnlySpan<T> values)
    {
        foreach (T v in values)
        {
            if (!T.IsFinite(v))
                return false;
        }
        return true;
    }

    private void Apply()
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

/// <summary>What an optimizer does with a step whose gradient or loss is NaN or infinite.</summary>
public enum NonFiniteHandling
{
    /// <summary>Throw a <see cref="NonFiniteGradientException"/> naming the step; nothing is changed.</summary>
    Throw,

    /// <summary>Skip the step (nothing is changed) and count it in <see cref="Optimizer{T}.SkippedSteps"/>.</summary>
    Skip,
}

/// <summary>A training step's gradient or loss was not finite; the parameters and optimizer state are as before the step.</summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception for training step <paramref name="step"/> (counting from 1).</summary>
    public NonFiniteGradientException(long step, string message) : base(message) => Step = step;

    /// <summary>The step that was refused, counting from 1.</summary>
    public long Step { get; }
}
