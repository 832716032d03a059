using System.Collections.Generic;
using System.Numerics;

namespace SeqGen.Model;

/// <summary>Anything with trainable parameters: a cell, a layer. Optimizers and clipping work on these.</summary>
public interface IParameterized<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>All parameters, contiguous.</summary>
    T[] Parameters { get; }

    /// <summary>Gradients, same layout as <see cref="Parameters"/>.</summary>
    T[] Gradients { get; }

    /// <summary>Name, shape, offset and trainability of each parameter.</summary>
    IReadOnlyList<ParameterInfo> ParameterInfos { get; }
}
