namespace SeqGen.Generators.Language;

internal enum TokenKind
{
    End,
    Identifier,
    Number,
    Prime,
    Plus,
    Minus,
    Star,
    Slash,
    At,
    Equals,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Semicolon,
    Comma,
    Colon,
    Invalid,
}

internal readonly record struct Token(TokenKind Kind, string Text, TextRange Range)
{
    /// <summary>How the token reads in a message: its text, or a word for the end of input.</summary>
    public string Describe() => Kind == TokenKind.End ? "end of text" : $"'{Text}'";
}
