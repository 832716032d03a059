namespace SeqGen.Generators.Language;

/// <summary>A run of characters in an attribute's string value: start offset and length.</summary>
internal readonly record struct TextRange(int Start, int Length)
{
    public int End => Start + Length;

    public static TextRange FromBounds(int start, int end) => new(start, end - start);

    public TextRange Cover(TextRange other)
    {
        int start = Start < other.Start ? Start : other.Start;
        int end = End > other.End ? End : other.End;
        return FromBounds(start, end);
    }

    public override string ToString() => $"[{Start}..{End})";
}
