using System;

namespace SeqGen;

/// <summary>
/// One equation of a cell, in order. <c>name = expr</c> defines an intermediate;
/// <c>name' = expr</c> defines the new value of a state.
/// </summary>
/// <remarks>
/// <para>Right-hand sides may use: a bare state name (its previous value), <c>h'</c> after its
/// definition, <c>h[t-d]</c> (the value d ≥ 1 steps back), <c>h[k]</c> (child k in a recursive
/// cell), inputs, intermediates defined earlier, and parameters (every other name).</para>
/// <para>Operators: <c>@</c> matrix-vector product (binds tighter than <c>*</c>),
/// <c>*</c> <c>/</c> elementwise, <c>+</c> <c>-</c>, unary <c>-</c>, numeric literals,
/// parentheses and <c>[a; b]</c> concatenation. Functions: <c>sigmoid</c>, <c>tanh</c>,
/// <c>relu</c>, <c>softplus</c>, <c>exp</c>, <c>log</c>, <c>identity</c>, <c>silu</c>, <c>softsign</c>, <c>layernorm</c>.</para>
/// </remarks>
/// <example><c>[Gate("h' = o * tanh(c')")]</c></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GateAttribute : Attribute
{
    /// <summary>Creates a gate from its equation text.</summary>
    public GateAttribute(string equation) => Equation = equation;

    /// <summary>The equation text, e.g. <c>"z = sigmoid(W_z @ x + U_z @ h + b_z)"</c>.</summary>
    public string Equation { get; }
}
