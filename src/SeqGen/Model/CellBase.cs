using System;
using System.Collections.Generic;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// What every generated cell has: one contiguous parameter buffer, a gradient buffer of the same
/// layout, and the metadata (name, shape, offset) that serialization and optimizers use.
/// </summary>
public abstract class CellBase<T> : IParameterized<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterInfo[] _parameterInfos;

    protected CellBase(ParameterInfo[] parameterInfos)
    {
        _parameterInfos = parameterInfos;
        int parameterCount = 0;
        foreach (ParameterInfo info in parameterInfos)
            parameterCount = Math.Max(parameterCount, info.Offset + info.Length);
        Parameters = new T[parameterCount];
        Gradients = new T[parameterCount];
    }

    /// <summary>All parameters, contiguous; see <see cref="ParameterInfos"/> for the layout.</summary>
    public T[] Parameters { get; }

    /// <summary>Gradients w.r.t. <see cref="Parameters"/>, same layout; backward passes add to them.</summary>
    public T[] Gradients { get; }

    public IReadOnlyList<ParameterInfo> ParameterInfos => _parameterInfos;

    /// <summary>The equations the cell was generated from, one per line.</summary>
    public abstract string Equations { get; }

    public ParameterInfo ParameterInfo(string name)
    {
        foreach (ParameterInfo info in _parameterInfos)
        {
            if (info.Name == name)
                return info;
        }
        throw new ArgumentException($"'{name}' is not a parameter of {GetType().Name}; its parameters are: {ParameterNames()}.", nameof(name));
    }

    /// <summary>The named parameter's elements (row-major for a matrix).</summary>
    public Span<T> Parameter(string name)
    {
        ParameterInfo info = ParameterInfo(name);
        return Parameters.AsSpan(info.Offset, info.Length);
    }

    /// <summary>The named parameter's gradient.</summary>
    public Span<T> Gradient(string name)
    {
        ParameterInfo info = ParameterInfo(name);
        return Gradients.AsSpan(info.Offset, info.Length);
    }

    public void ZeroGradients() => Array.Clear(Gradients);

    private string ParameterNames()
    {
        var names = new string[_parameterInfos.Length];
        for (int i = 0; i < names.Length; i++)
            names[i] = _parameterInfos[i].Name;
        return string.Join(", ", names);
    }

    protected static void RequirePositive(int value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }
}
