using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using SeqGen.Generators.Helpers;

namespace SeqGen.Generators.Model;

/// <summary>One term of a <see cref="Size"/>: a coefficient times a size symbol.</summary>
internal readonly record struct SizeTerm(string Symbol, int Coefficient);

/// <summary>
/// A length known at compile time as a sum of size symbols and a constant, e.g. <c>H</c>,
/// <c>2*H</c> (the concatenation of two children) or <c>I+H</c>. Terms are kept sorted by
/// symbol so equal sizes compare equal.
/// </summary>
internal sealed record Size(EquatableArray<SizeTerm> Terms, int Constant)
{
    public static Size Symbol(string symbol, int coefficient = 1) =>
        new(new EquatableArray<SizeTerm>(new[] { new SizeTerm(symbol, coefficient) }), 0);

    public static Size Of(int constant) => new(EquatableArray<SizeTerm>.Empty, constant);

    public Size Plus(Size other) => Combine(other, 1);

    public Size Minus(Size other) => Combine(other, -1);

    /// <summary>True when every coefficient and the constant are non-negative and the size is not zero.</summary>
    public bool IsPositive
    {
        get
        {
            if (Constant < 0)
                return false;
            foreach (SizeTerm term in Terms)
            {
                if (term.Coefficient < 0)
                    return false;
            }
            return Terms.Count > 0 || Constant > 0;
        }
    }

    private Size Combine(Size other, int sign)
    {
        var sum = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (SizeTerm term in Terms)
            sum[term.Symbol] = term.Coefficient;
        foreach (SizeTerm term in other.Terms)
        {
            sum.TryGetValue(term.Symbol, out int coefficient);
            sum[term.Symbol] = coefficient + sign * term.Coefficient;
        }
        var terms = new List<SizeTerm>();
        foreach (var pair in sum)
        {
            if (pair.Value != 0)
                terms.Add(new SizeTerm(pair.Key, pair.Value));
        }
        return new Size(terms.ToEquatableArray(), Constant + sign * other.Constant);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (SizeTerm term in Terms)
        {
            if (text.Length > 0 || term.Coefficient < 0)
                text.Append(term.Coefficient < 0 ? "-" : "+");
            int magnitude = Math.Abs(term.Coefficient);
            if (magnitude != 1)
                text.Append(magnitude.ToString(CultureInfo.InvariantCulture)).Append('*');
            text.Append(term.Symbol);
        }
        if (Constant != 0 || text.Length == 0)
        {
            if (text.Length > 0 || Constant < 0)
                text.Append(Constant < 0 ? "-" : "+");
            text.Append(Math.Abs(Constant).ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
