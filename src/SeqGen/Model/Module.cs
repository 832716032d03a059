using System;
using System.Collections.Generic;
using System.Numerics;
using System.Threading;

namespace SeqGen.Model;

/// <summary>
/// Everything trainable: a generated cell, a layer, a stack, a whole model. A module owns a
/// contiguous block of parameters (possibly empty) and named child modules, so a model is a tree
/// whose parameter names are paths (<c>encoder.layer0.reverse.W_z</c>). Optimizers, clipping,
/// <see cref="IO.Weights"/> and <see cref="IO.Checkpoint"/> take any module and walk the tree by
/// name. Children are registered explicitly (no reflection, so NativeAOT keeps working).
/// </summary>
public abstract class Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterInfo[] _parameterInfos;
    private readonly List<KeyValuePair<string, Module<T>>> _children = new();

    /// <summary>A module with no parameters of its own (a container of children).</summary>
    protected Module()
        : this(Array.Empty<ParameterInfo>())
    {
    }

    /// <summary>A module owning the parameters <paramref name="parameterInfos"/> describes, in one buffer.</summary>
    protected Module(ParameterInfo[] parameterInfos)
    {
        ArgumentNullException.ThrowIfNull(parameterInfos);
        _parameterInfos = parameterInfos;
        int parameterCount = 0;
        foreach (ParameterInfo info in parameterInfos)
            parameterCount = Math.Max(parameterCount, info.Offset + info.Length);
        Parameters = new T[parameterCount];
        Gradients = new T[parameterCount];
    }

    /// <summary>
    /// This module's own parameters, contiguous (see <see cref="ParameterInfos"/> for the layout);
    /// a container's are empty and its children's are reached through <see cref="NamedParameters"/>.
    /// </summary>
    public T[] Parameters { get; }

    /// <summary>Gradients of this module's own parameters, same layout; backward passes add to them.</summary>
    public T[] Gradients { get; }

    /// <summary>Name, shape, offset and trainability of each of this module's own parameters.</summary>
    public IReadOnlyList<ParameterInfo> ParameterInfos => _parameterInfos;

    /// <summary>The child modules by name, in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, Module<T>>> Children => _children;

    /// <summary>True in training mode (the default), false in evaluation mode; dropout acts only in training.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>
    /// False after <see cref="Freeze"/>: optimizers, clipping and gradient checks leave this
    /// module's parameters alone, and runners skip the gradients that would reach only them.
    /// </summary>
    public bool RequiresGradient { get; private set; } = true;

    /// <summary>Freezes this module and every descendant (PyTorch's <c>requires_grad_(False)</c>), e.g. pre-trained word vectors.</summary>
    public void Freeze() => SetRequiresGradient(false);

    /// <summary>Lets this module and every descendant train again.</summary>
    public void Unfreeze() => SetRequiresGradient(true);

    private void SetRequiresGradient(bool required)
    {
        RequiresGradient = required;
        foreach (var child in _children)
            child.Value.SetRequiresGradient(required);
    }

    /// <summary>Puts this module and every descendant in training mode (PyTorch's <c>train()</c>).</summary>
    public void Train() => SetTraining(true);

    /// <summary>Puts this module and every descendant in evaluation mode (PyTorch's <c>eval()</c>).</summary>
    public void Eval() => SetTraining(false);

    private void SetTraining(bool training)
    {
        IsTraining = training;
        foreach (var child in _children)
            child.Value.SetTraining(training);
    }

    /// <summary>Zeroes the gradients of this module and every descendant.</summary>
    public void ZeroGradients()
    {
        Array.Clear(Gradients);
        foreach (var child in _children)
            child.Value.ZeroGradients();
    }

    /// <summary>Number of parameter elements in the whole tree.</summary>
    public long ParameterCount()
    {
        long count = Parameters.Length;
        foreach (var child in _children)
            count += child.Value.ParameterCount();
        return count;
    }

    /// <summary>
    /// Every parameter of the tree with its path, in a fixed order (own parameters first, then
    /// each child's in the order added). A module reached twice is an error, since its parameters
    /// would be updated twice per step.
    /// </summary>
    public IReadOnlyList<NamedParameter<T>> NamedParameters() => Array.AsReadOnly(Flatten());

    // The walk is cached so clipping and optimizers can read it every step without allocating;
    // any AddChild anywhere makes every cached walk stale.
    internal NamedParameter<T>[] Flatten()
    {
        int version = Volatile.Read(ref s_structureVersion);
        if (_flattened is null || _flattenedVersion != version)
        {
            var parameters = new List<NamedParameter<T>>();
            var seen = new Dictionary<Module<T>, string>(ReferenceEqualityComparer.Instance);
            Collect("", parameters, seen);
            _flattened = parameters.ToArray();
            _flattenedVersion = version;
        }
        return _flattened;
    }

    private static int s_structureVersion;
    private NamedParameter<T>[]? _flattened;
    private int _flattenedVersion;

    /// <summary>The parameter at <paramref name="path"/> (e.g. <c>encoder.layer0.W_z</c>).</summary>
    public NamedParameter<T> NamedParameter(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        NamedParameter<T>[] all = Flatten();
        foreach (NamedParameter<T> parameter in all)
        {
            if (parameter.Name == path)
                return parameter;
        }
        var names = new string[all.Length];
        for (int i = 0; i < names.Length; i++)
            names[i] = all[i].Name;
        throw new ArgumentException($"'{path}' is not a parameter of this {GetType().Name}; its parameters are: {string.Join(", ", names)}.", nameof(path));
    }

    /// <summary>Adds a named child; its parameters are reached as <c>name.parameter</c>.</summary>
    protected TModule AddChild<TModule>(string name, TModule child) where TModule : Module<T>
    {
        ArgumentNullException.ThrowIfNull(child);
        RequireName(name);
        foreach (var existing in _children)
        {
            if (existing.Key == name)
                throw new ArgumentException($"This {GetType().Name} already has a child named '{name}'.", nameof(name));
        }
        foreach (ParameterInfo info in _parameterInfos)
        {
            if (info.Name == name)
                throw new ArgumentException($"'{name}' is already the name of one of this {GetType().Name}'s parameters.", nameof(name));
        }
        _children.Add(new KeyValuePair<string, Module<T>>(name, child));
        Interlocked.Increment(ref s_structureVersion);
        return child;
    }

    internal static void RequireName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('.'))
            throw new ArgumentException($"A module name must be non-empty and contain no '.': '{name}'.", nameof(name));
    }

    private void Collect(string prefix, List<NamedParameter<T>> parameters, Dictionary<Module<T>, string> seen)
    {
        string here = prefix.Length == 0 ? "(the model itself)" : prefix.TrimEnd('.');
        if (seen.TryGetValue(this, out string? first))
            throw new InvalidOperationException($"The same {GetType().Name} is reached twice, as '{first}' and as '{here}'; its parameters would be updated twice per step. Give each place its own module.");
        seen.Add(this, here);
        foreach (ParameterInfo info in _parameterInfos)
            parameters.Add(new NamedParameter<T>(prefix + info.Name, info, this));
        foreach (var child in _children)
            child.Value.Collect(prefix + child.Key + ".", parameters, seen);
    }
}

/// <summary>One parameter of a module tree: its path, shape, and value and gradient spans.</summary>
/// <param name="Name">The path from the root module, e.g. <c>encoder.layer0.reverse.W_z</c>.</param>
/// <param name="Info">Shape, trainability and place in <paramref name="Owner"/>'s buffer.</param>
/// <param name="Owner">The module whose buffer holds the parameter.</param>
public readonly record struct NamedParameter<T>(string Name, ParameterInfo Info, Module<T> Owner)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The parameter's elements (row-major for a matrix).</summary>
    public Span<T> Value => Owner.Parameters.AsSpan(Info.Offset, Info.Length);

    /// <summary>The parameter's gradient.</summary>
    public Span<T> Gradient => Owner.Gradients.AsSpan(Info.Offset, Info.Length);

    /// <summary>The shape as PyTorch writes it: [] scalar, [n] vector, [rows, columns] matrix.</summary>
    public int[] Shape => Info.Shape;

    /// <summary>False for a fixed hyper-parameter or a frozen module's parameter (<see cref="Module{T}.Freeze"/>), which optimizers and clipping leave alone.</summary>
    public bool Trainable => Info.Trainable && Owner.RequiresGradient;
}

/// <summary>
/// Named modules gathered into one tree, as PyTorch's nn.ModuleDict: hand it to an optimizer or a
/// checkpoint when a model's parts are driven by hand.
/// <code>var model = new ModuleDict&lt;float&gt; { ["embedding"] = embedding, ["encoder"] = stack, ["head"] = head };</code>
/// </summary>
public sealed class ModuleDict<T> : Module<T>, IEnumerable<KeyValuePair<string, Module<T>>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Adds a module under <paramref name="name"/>; a name may be used once.</summary>
    public void Add(string name, Module<T> module) => AddChild(name, module);

    /// <summary>Adds a module (the setter) or returns the module of that name (the getter).</summary>
    public Module<T> this[string name]
    {
        get
        {
            foreach (var child in Children)
            {
                if (child.Key == name)
                    return child.Value;
            }
            throw new KeyNotFoundException($"No module is named '{name}'.");
        }
        set => AddChild(name, value);
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Module<T>>> GetEnumerator() => Children.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
