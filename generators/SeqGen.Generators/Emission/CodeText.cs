using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

/// <summary>Small pieces of C# text shared by the emitters; all culture-invariant.</summary>
internal static class CodeText
{
    public const string Vector = "global::System.Numerics.Vector<T>";
    public const string VectorMath = "global::SeqGen.CompilerServices.VectorMath";
    public const string Gemm = "global::SeqGen.Numerics.Gemm.Compute<T>";

    /// <summary>The field that holds a size symbol's value.</summary>
    public static string SizeField(string symbol) => "_size" + symbol;

    /// <summary>A size as a C# int expression over the size fields (or over the constructor arguments).</summary>
    public static string Size(Size size, bool arguments = false, CellSpec? spec = null, string fieldPrefix = "")
    {
        var text = new StringBuilder();
        foreach (SizeTerm term in size.Terms)
        {
            if (text.Length > 0)
                text.Append(term.Coefficient < 0 ? " - " : " + ");
            else if (term.Coefficient < 0)
                text.Append('-');
            int magnitude = System.Math.Abs(term.Coefficient);
            if (magnitude != 1)
                text.Append(Int(magnitude)).Append(" * ");
            text.Append(arguments ? Argument(spec!, term.Symbol) : fieldPrefix + SizeField(term.Symbol));
        }
        if (size.Constant != 0 || text.Length == 0)
        {
            if (text.Length > 0)
                text.Append(size.Constant < 0 ? " - " : " + ");
            text.Append(Int(text.Length > 0 ? System.Math.Abs(size.Constant) : size.Constant));
        }
        return size.Terms.Count + (size.Constant != 0 ? 1 : 0) > 1 ? "(" + text + ")" : text.ToString();
    }

    private static string Argument(CellSpec spec, string symbol)
    {
        foreach (SizeSymbol s in spec.SizeSymbols)
        {
            if (s.Name == symbol)
                return Identifier(s.ArgumentName);
        }
        return SizeField(symbol);
    }

    /// <summary>
    /// The product of some int expressions, written as a reader would: factors of 1 left out, 0 if
    /// any factor is 0 (each factor is a name, a literal or already parenthesised).
    /// </summary>
    public static string Times(params string[] factors)
    {
        var kept = new System.Collections.Generic.List<string>();
        foreach (string factor in factors)
        {
            if (factor == "0")
                return "0";
            if (factor != "1")
                kept.Add(factor);
        }
        return kept.Count == 0 ? "1" : string.Join(" * ", kept);
    }

    /// <summary>The sum of two int expressions, 0 left out; parenthesised when it is a sum.</summary>
    public static string Plus(string a, string b) =>
        b == "0" ? a : a == "0" ? b : $"({a} + {b})";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double literal that round-trips exactly.</summary>
    public static string Double(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0 && text.IndexOf('e') < 0)
            text += ".0";
        return text;
    }

    /// <summary>A name as a C# identifier, escaped with @ when it is a keyword.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
