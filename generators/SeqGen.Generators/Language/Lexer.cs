using System.Collections.Generic;

namespace SeqGen.Generators.Language;

/// <summary>Splits equation (and option) text into tokens with their character ranges.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (IsIdentifierStart(c))
            {
                i++;
                while (i < text.Length && IsIdentifierPart(text[i]))
                    i++;
                tokens.Add(new Token(TokenKind.Identifier, text.Substring(start, i - start), new TextRange(start, i - start)));
                continue;
            }
            if (IsDigit(c) || (c == '.' && i + 1 < text.Length && IsDigit(text[i + 1])))
            {
                i = ScanNumber(text, i);
                tokens.Add(new Token(TokenKind.Number, text.Substring(start, i - start), new TextRange(start, i - start)));
                continue;
            }
            TokenKind kind = c switch
            {
                '\'' => TokenKind.Prime,
                '+' => TokenKind.Plus,
                '-' => TokenKind.Minus,
                '*' => TokenKind.Star,
                '/' => TokenKind.Slash,
                '@' => TokenKind.At,
                '=' => TokenKind.Equals,
                '(' => TokenKind.OpenParen,
                ')' => TokenKind.CloseParen,
                '[' => TokenKind.OpenBracket,
                ']' => TokenKind.CloseBracket,
                ';' => TokenKind.Semicolon,
                ',' => TokenKind.Comma,
                ':' => TokenKind.Colon,
                _ => TokenKind.Invalid,
            };
            // A surrogate pair is one character to the reader, so it is one invalid token.
            int length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            tokens.Add(new Token(kind, text.Substring(start, length), new TextRange(start, length)));
            i += length;
        }
        tokens.Add(new Token(TokenKind.End, "", new TextRange(text.Length, 0)));
        return tokens;
    }

    public static bool IsIdentifierStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    public static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || IsDigit(c);

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static int ScanNumber(string text, int i)
    {
        while (i < text.Length && IsDigit(text[i]))
            i++;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && IsDigit(text[i]))
                i++;
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int j = i + 1;
            if (j < text.Length && (text[j] == '+' || text[j] == '-'))
                j++;
            if (j < text.Length && IsDigit(text[j]))
            {
                i = j;
                while (i < text.Length && IsDigit(text[i]))
                    i++;
            }
        }
        return i;
    }
}
