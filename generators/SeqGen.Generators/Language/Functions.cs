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
    Silu,
    Softsign,
}

/// <summary>What the derivative of a function reads besides the incoming gradient.</summary>
internal enum DerivativeReads
{
    /// <summary>Nothing (identity).</summary>
    Nothing,
    /// <summary>The function's own value y = f(x), already computed by the forward.</summary>
    Value,
    /// <summary>The argument x.</summary>
    Argument,
}

/// <summary>
/// One function of the cell language: its name, the runtime method computing it (vector and
/// scalar overloads of the same name in <c>SeqGen.CompilerServices.VectorMath</c>), and its derivative,
/// both as emitted code and as the rule echoed above the backward. In the templates <c>{d}</c>
/// is the incoming gradient, <c>{y}</c> the function's value, <c>{x}</c> its argument,
/// <c>{one}</c> the constant 1 and <c>{math}</c> the runtime class.
/// </summary>
internal sealed class FunctionRow(string name, Function function, string? method, string derivative, DerivativeReads reads, string rule)
{
    public string Name { get; } = name;
    public Function Function { get; } = function;
    public string? Method { get; } = method;
    public string Derivative { get; } = derivative;
    public DerivativeReads Reads { get; } = reads;
    public string Rule { get; } = rule;
    public bool UsesOne => Derivative.Contains("{one}");
}

/// <summary>
/// The functions of the cell language: one row per function, so adding one is a row here, its
/// vector and scalar forms in the runtime, and its tests. Every function takes one argument; all
/// are elementwise except <c>layernorm</c>, which normalises over a vector's features.
/// </summary>
internal static class Functions
{
    private static readonly FunctionRow[] Table =
    {
        new("sigmoid", Function.Sigmoid, "Sigmoid", "{d} * {y} * ({one} - {y})", DerivativeReads.Value, "{dy} * s * (1 - s), s = {f}"),
        new("tanh", Function.Tanh, "Tanh", "{d} * ({one} - {y} * {y})", DerivativeReads.Value, "{dy} * (1 - s * s), s = {f}"),
        new("relu", Function.Relu, "Relu", "{math}.PassWherePositive({x}, {d})", DerivativeReads.Argument, "{dy} where {x} > 0, else 0"),
        new("softplus", Function.Softplus, "Softplus", "{d} * {math}.Sigmoid({x})", DerivativeReads.Argument, "{dy} * sigmoid({x})"),
        new("exp", Function.Exp, "Exp", "{d} * {y}", DerivativeReads.Value, "{dy} * {f}"),
        new("log", Function.Log, "Log", "{d} / {x}", DerivativeReads.Argument, "{dy} / {x}"),
        new("identity", Function.Identity, null, "{d}", DerivativeReads.Nothing, "{dy}"),
        new("layernorm", Function.LayerNorm, null, "", DerivativeReads.Nothing, ""),
        new("silu", Function.Silu, "Silu", "{d} * {math}.SiluDerivative({x})", DerivativeReads.Argument, "{dy} * s * (1 + {x} * (1 - s)), s = sigmoid({x})"),
        new("softsign", Function.Softsign, "Softsign", "{d} * {math}.SoftsignDerivative({x})", DerivativeReads.Argument, "{dy} / (1 + |{x}|)^2"),
    };

    public static string AllNames { get; } = string.Join(", ", Array.ConvertAll(Table, row => row.Name));

    public static bool TryLookup(string name, out Function function)
    {
        foreach (FunctionRow row in Table)
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

    public static FunctionRow Row(this Function function)
    {
        foreach (FunctionRow row in Table)
        {
            if (row.Function == function)
                return row;
        }
        throw new ArgumentOutOfRangeException(nameof(function));
    }

    public static string Name(this Function function) => function.Row().Name;

    public static bool IsElementwise(this Function function) => function != Function.LayerNorm;
}
