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
        _ => MatrixText(Rows!.ToString(), Columns!.ToString()),
    };

    /// <summary>"matrix[HxI]", with a compound size in parentheses: "matrix[Hx(H+I)]", never "HxH+I".</summary>
    public static string MatrixText(string rows, string columns) => $"matrix[{Dimension(rows)}x{Dimension(columns)}]";

    private static string Dimension(string size) => size.IndexOfAny(new[] { '+', '-', '*' }, 1) > 0 ? "(" + size + ")" : size;
}
