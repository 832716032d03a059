using System;

namespace SeqGen;

/// <summary>
/// Overrides what the generator infers for a parameter of a cell.
/// </summary>
/// <example>
/// <code>
/// [Param("b_f", Init = "1")]                                   // LSTM forget bias
/// [Param("mu", Shape = "scalar", Init = "0.9", Trainable = false)] // fixed leak rate
/// [Param("W", Init = "orthogonal")]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ParamAttribute : Attribute
{
    /// <summary>Names the parameter to override.</summary>
    public ParamAttribute(string name) => Name = name;

    /// <summary>The parameter's name as used in the equations.</summary>
    public string Name { get; }

    /// <summary>
    /// Initializer: a number (<c>"0"</c>, <c>"1"</c>, <c>"-0.5"</c>), <c>"uniform(a, b)"</c>,
    /// <c>"normal(mean, std)"</c>, <c>"orthogonal"</c> or <c>"xavier"</c> (matrices only).
    /// The default is PyTorch's uniform(±1/sqrt(hidden)).
    /// </summary>
    public string Init { get; set; } = "";

    /// <summary>
    /// Shape: <c>"scalar"</c>, a vector size such as <c>"H"</c>, or a matrix <c>"H,I"</c>
    /// (rows, columns). Sizes are size symbols, integers or sums such as <c>"2*H"</c>.
    /// </summary>
    public string Shape { get; set; } = "";

    /// <summary><c>false</c> makes the parameter a fixed hyper-parameter instead of a learned one.</summary>
    public bool Trainable { get; set; } = true;
}
