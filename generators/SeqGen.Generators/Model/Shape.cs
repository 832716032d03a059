namespace SeqGen.Generators.Model;

internal enum ShapeKind
{
    Scalar,
    Vector,
    Matrix,
}

/// <summary>The resolved shape of a value: a scalar, a vector [Rows] or a matrix [Rows × Columns].</summary>
internal sealed record Shape(ShapeKind Kind, Size? Rows, Size? Columns)
{
    public static Shape Scalar { get; } = new(ShapeKind.Scalar, null, null);

    public static Shape Vector(Size length) => new(ShapeKind.Vector, length, null);

    public static Shape Matrix(Size rows, Size columns) => new(ShapeKind.Matrix, rows, columns);

    public override string ToString() => Kind switch
    {
        ShapeKind.Scalar => "scalar",
        ShapeKind.Vector => $"vector[{Rows}]",
        _ => $"matrix[{Rows}x{Columns}]",
    };
}
