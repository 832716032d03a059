using System;

namespace SeqGen;

/// <summary>
/// Declares a recurrent cell: the <see cref="GateAttribute"/> equations on the same
/// <c>partial</c> class are checked at compile time and turned into forward and backward code.
/// </summary>
/// <example>
/// <code>
/// [RecurrentCell(Inputs = "x")]
/// [Gate("z = sigmoid(W_z @ x + U_z @ h + b_z)")]
/// [Gate("r = sigmoid(W_r @ x + U_r @ h + b_r)")]
/// [Gate("n = tanh(W_n @ x + U_n @ (r * h) + b_n)")]
/// [Gate("h' = z * h + (1 - z) * n")]
/// public partial class ChoGru;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RecurrentCellAttribute : Attribute
{
    /// <summary>
    /// Comma-separated names of the per-step input vectors, e.g. <c>"x"</c> or <c>"x, ctx"</c>.
    /// Defaults to <c>"x"</c>.
    /// </summary>
    public string Inputs { get; set; } = "x";

    /// <summary>
    /// Size symbols of states and inputs, e.g. <c>"h: P, c: H"</c> for a projection LSTM.
    /// By default every state has size <c>H</c>; a single input has size <c>I</c>, several
    /// inputs have sizes <c>I_name</c>. Each size symbol becomes a constructor argument, the
    /// inputs' first, in the order the sizes are first met: <c>I</c> → <c>inputSize</c>,
    /// <c>H</c> → <c>hiddenSize</c>, <c>I_ctx</c> → <c>ctxSize</c>, any other symbol <c>P</c> →
    /// <c>pSize</c>; then <c>seed</c>, then one optional argument per fixed scalar
    /// (<c>[Param("mu", Trainable = false)]</c> → <c>mu</c>). The generated class's summary lists them.
    /// </summary>
    public string Sizes { get; set; } = "";

    /// <summary>The state exposed as the cell's output; defaults to <c>h</c> if present.</summary>
    public string Output { get; set; } = "";
}
