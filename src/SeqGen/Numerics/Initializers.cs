using System;
using System.Numerics;

namespace SeqGen.Numerics;

/// <summary>Parameter initialisers; all draw from a <see cref="SeededRandom"/> so a seed reproduces a model.</summary>
public static class Initializers
{
    /// <summary>Sets every element of <paramref name="target"/> to <paramref name="value"/>.</summary>
    public static void Constant<T>(Span<T> target, double value) where T : unmanaged, IFloatingPointIeee754<T> =>
        target.Fill(T.CreateChecked(value));

    /// <summary>Fills <paramref name="target"/> from U(low, high).</summary>
    public static void Uniform<T>(Span<T> target, double low, double high, SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < target.Length; i++)
            target[i] = T.CreateChecked(random.NextUniform(low, high));
    }

    /// <summary>Fills <paramref name="target"/> from N(mean, std²).</summary>
    public static void Normal<T>(Span<T> target, double mean, double std, SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < target.Length; i++)
            target[i] = T.CreateChecked(random.NextNormal(mean, std));
    }

    /// <summary>Glorot/Xavier uniform: U(±sqrt(6 / (fan_in + fan_out))) for a [rows × columns] matrix.</summary>
    public static void Xavier<T>(Span<T> target, int rows, int columns, SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double bound = Math.Sqrt(6.0 / (rows + columns));
        Uniform(target, -bound, bound, random);
    }

    /// <summary>
    /// A (semi-)orthogonal [rows × columns] matrix: Gram–Schmidt on a normal draw, orthonormal rows
    /// when rows ≤ columns, orthonormal columns otherwise (as PyTorch's orthogonal_).
    /// </summary>
    public static void Orthogonal<T>(Span<T> target, int rows, int columns, SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool byRows = rows <= columns;
        int count = byRows ? rows : columns, length = byRows ? columns : rows;
        var basis = new double[count * length];
        for (int v = 0; v < count; v++)
        {
            Span<double> vector = basis.AsSpan(v * length, length);
            double norm;
            do
            {
                for (int i = 0; i < length; i++)
                    vector[i] = random.NextNormal(0, 1);
                // Twice is enough: the second pass removes what rounding left of the first.
                for (int pass = 0; pass < 2; pass++)
                {
                    for (int u = 0; u < v; u++)
                    {
                        ReadOnlySpan<double> other = basis.AsSpan(u * length, length);
                        double dot = 0;
                        for (int i = 0; i < length; i++)
                            dot += vector[i] * other[i];
                        for (int i = 0; i < length; i++)
                            vector[i] -= dot * other[i];
                    }
                }
                norm = 0;
                for (int i = 0; i < length; i++)
                    norm += vector[i] * vector[i];
                norm = Math.Sqrt(norm);
            }
            while (norm < 1e-10);
            for (int i = 0; i < length; i++)
                vector[i] /= norm;
        }
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
                target[r * columns + c] = T.CreateChecked(byRows ? basis[r * length + c] : basis[c * length + r]);
        }
    }

    /// <summary>
    /// Chrono initialisation (Tallec and Ollivier 2018) of every gated cell in <paramref name="model"/>:
    /// forget-gate biases from log(U(1, <paramref name="maxLength"/> − 1)) and input-gate biases their
    /// negation, so the cells start out remembering over spans of up to the longest dependency expected.
    /// Parameters are found by name in each module that owns them (an LSTM's <c>b_f</c> and <c>b_i</c>;
    /// for a GRU pass its keep gate's bias, <c>b_iz</c>, and no input bias).
    /// </summary>
    /// <returns>How many modules were initialised.</returns>
    /// <exception cref="ArgumentException">No module of <paramref name="model"/> has a parameter named <paramref name="forgetBias"/>.</exception>
    public static int Chrono<T>(Model.Module<T> model, int maxLength, SeededRandom random, string forgetBias = "b_f", string? inputBias = "b_i")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(forgetBias);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        int initialised = 0;
        foreach (Model.NamedParameter<T> forget in model.NamedParameters())
        {
            if (!IsNamed(forget.Name, forgetBias))
                continue;
            Span<T> f = forget.Value;
            Span<T> input = default;
            if (inputBias is not null)
            {
                string path = forget.Name.Substring(0, forget.Name.Length - forgetBias.Length) + inputBias;
                input = model.NamedParameter(path).Value;
                if (input.Length != f.Length)
                    throw new ArgumentException($"'{path}' has {input.Length} elements and '{forget.Name}' {f.Length}; chrono initialisation pairs them element by element.", nameof(inputBias));
            }
            for (int j = 0; j < f.Length; j++)
            {
                double bias = Math.Log(random.NextUniform(1, maxLength - 1));
                f[j] = T.CreateChecked(bias);
                if (inputBias is not null)
                    input[j] = T.CreateChecked(-bias);
            }
            initialised++;
        }
        return initialised > 0 ? initialised : throw new ArgumentException($"No module of this {model.GetType().Name} has a parameter named '{forgetBias}'.", nameof(forgetBias));
    }

    private static bool IsNamed(string path, string name) =>
        path.Length == name.Length ? path == name : path.Length > name.Length && path.EndsWith(name, StringComparison.Ordinal) && path[path.Length - name.Length - 1] == '.';
}
