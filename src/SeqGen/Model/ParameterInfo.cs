namespace SeqGen.Model;

/// <summary>The kind of a parameter's shape.</summary>
public enum ParameterKind
{
    /// <summary>One number.</summary>
    Scalar,
    /// <summary>A vector of Rows elements.</summary>
    Vector,
    /// <summary>A matrix of Rows × Columns elements, row-major.</summary>
    Matrix,
}

/// <summary>
/// Where a named parameter lives in a cell's contiguous parameter (and gradient) buffer, and its
/// shape: serialization and optimizers read this.
/// </summary>
/// <param name="Name">The name used in the equations.</param>
/// <param name="Kind">Scalar, vector or matrix.</param>
/// <param name="Offset">First element in the buffer.</param>
/// <param name="Rows">Rows (a vector's length; 1 for a scalar).</param>
/// <param name="Columns">Columns (1 for a scalar or vector).</param>
/// <param name="Trainable">False for a fixed hyper-parameter, which optimizers leave alone.</param>
public readonly record struct ParameterInfo(string Name, ParameterKind Kind, int Offset, int Rows, int Columns, bool Trainable)
{
    /// <summary>Elements: rows × columns.</summary>
    public int Length => Rows * Columns;

    /// <summary>The shape as PyTorch writes it: [] for a scalar, [n] for a vector, [rows, columns] for a matrix.</summary>
    public int[] Shape => Kind switch
    {
        ParameterKind.Scalar => System.Array.Empty<int>(),
        ParameterKind.Vector => new[] { Rows },
        _ => new[] { Rows, Columns },
    };
}
