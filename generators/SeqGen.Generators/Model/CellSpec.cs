using SeqGen.Generators.Helpers;

namespace SeqGen.Generators.Model;

internal enum CellKind
{
    Recurrent,
    Recursive,
}

/// <summary>A size symbol and the constructor argument that gives its value.</summary>
internal sealed record SizeSymbol(string Name, string ArgumentName);

internal sealed record InputSpec(string Name, Size Size);

/// <summary>A state; <see cref="MaxLag"/> is how many past values the cell reads (1 for a plain recurrence).</summary>
internal sealed record StateSpec(string Name, Size Size, int MaxLag);

internal enum InitKind
{
    /// <summary>PyTorch's default: uniform(±1/sqrt(hidden)).</summary>
    Default,
    Constant,
    Uniform,
    Normal,
    Orthogonal,
    Xavier,
}

/// <summary>How a parameter is initialised: a constant (A), uniform(A, B), normal(mean A, std B), or a named scheme.</summary>
internal sealed record InitSpec(InitKind Kind, double A, double B)
{
    public static InitSpec Default { get; } = new(InitKind.Default, 0, 0);

    public override string ToString() => Kind switch
    {
        InitKind.Default => "default",
        InitKind.Constant => A.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        InitKind.Uniform => FormattableString("uniform", A, B),
        InitKind.Normal => FormattableString("normal", A, B),
        InitKind.Orthogonal => "orthogonal",
        _ => "xavier",
    };

    private static string FormattableString(string name, double a, double b) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}({1:R}, {2:R})", name, a, b);
}

internal sealed record ParameterSpec(string Name, Shape Shape, InitSpec Init, bool Trainable);

/// <summary>One equation in declaration order, with its source text echoed into generated code.</summary>
internal sealed record EquationSpec(string Target, bool IsState, string Text, BoundExpression Value);

/// <summary>
/// Everything code generation needs to know about a checked cell, free of Roslyn types.
/// </summary>
internal sealed record CellSpec(
    CellKind Kind,
    int Arity,
    EquatableArray<SizeSymbol> SizeSymbols,
    EquatableArray<InputSpec> Inputs,
    EquatableArray<StateSpec> States,
    EquatableArray<ParameterSpec> Parameters,
    EquatableArray<EquationSpec> Equations,
    string Output);
