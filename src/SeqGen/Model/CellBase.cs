using System;
using System.ComponentModel;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>
/// What every generated cell has: one contiguous parameter buffer, a gradient buffer of the same
/// layout, and the metadata (name, shape, offset) that serialization and optimizers use.
/// </summary>
public abstract class CellBase<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A cell owning the parameters <paramref name="parameterInfos"/> describes.</summary>
    protected CellBase(ParameterInfo[] parameterInfos)
        : base(parameterInfos)
    {
    }

    /// <summary>The equations the cell was generated from, one per line.</summary>
    public abstract string Equations { get; }

    /// <summary>Name, shape and offset of the parameter named <paramref name="name"/> in the equations.</summary>
    public ParameterInfo ParameterInfo(string name)
    {
        foreach (ParameterInfo info in ParameterInfos)
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

    private string ParameterNames()
    {
        var names = new string[ParameterInfos.Count];
        for (int i = 0; i < names.Length; i++)
            names[i] = ParameterInfos[i].Name;
        return string.Join(", ", names);
    }

    /// <summary>Throws when a size argument of a generated constructor is below 1.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static void RequirePositive(int value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }
}
