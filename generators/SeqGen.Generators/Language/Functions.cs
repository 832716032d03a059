using System;

namespace SeqGen.Generators.Language;

internal enum Function
{
    Sigmoid,
    Tanh,
    Relu,
    Softplus,
    Exp,
    Log,
    Identity,
    LayerNorm,
}

/// <summary>
/// The functions of the cell language: one row per function. Every function takes one argument;
/// all are elementwise except <c>layernorm</c>, which normalises over a vector's features.
/// </summary>
internal static class Functions
{
    private static readonly (string Name, Function Function)[] Table =
    {
        ("sigmoid", Function.Sigmoid),
        ("tanh", Function.Tanh),
        ("relu", Function.Relu),
        ("softplus", Function.Softplus),
        ("exp", Function.Exp),
        ("log", Function.Log),
        ("identity", Function.Identity),
        ("layernorm", Function.LayerNorm),
    };

    public static string AllNames { get; } = string.Join(", ", Array.ConvertAll(Table, row => row.Name));

    public static bool TryLookup(string name, out Function function)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.Name, name, StringComparison.Ordinal))
            {
                function = row.Function;
                return true;
            }
        }
        function = default;
        return false;
    }

    public static string Name(this Function function)
    {
        foreach (var row in Table)
        {
            if (row.Function == function)
                return row.Name;
        }
        throw new ArgumentOutOfRangeException(nameof(function));
    }

    public static bool IsElementwise(this Function function) => function != Function.LayerNorm;
}
