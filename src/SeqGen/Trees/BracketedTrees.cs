using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace SeqGen.Trees;

/// <summary>
/// PTB-style bracketed trees with a label on every node, as the Stanford Sentiment Treebank writes
/// them: <c>(3 (2 It) (4 (2 's) (3 good)))</c>, one tree per line. A malformed tree is an
/// <see cref="InvalidDataException"/> naming the line and column; <see cref="Write"/> gives the
/// same text back.
/// </summary>
public static class BracketedTrees
{
    /// <summary>Reads every tree of a file, one per non-empty line.</summary>
    public static List<Tree> Read(string path) => ParseLines(File.ReadAllLines(path), path);

    /// <summary>Parses trees, one per non-empty line; <paramref name="source"/> names them in errors.</summary>
    public static List<Tree> ParseLines(IReadOnlyList<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var trees = new List<Tree>();
        for (int n = 0; n < lines.Count; n++)
        {
            if (lines[n].Trim().Length > 0)
                trees.Add(Parse(lines[n], $"{source}, line {n + 1}"));
        }
        return trees;
    }

    /// <summary>Parses one tree; <paramref name="where"/> prefixes error messages.</summary>
    public static Tree Parse(string text, string where = "tree")
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new TreeBuilder();
        int position = 0;
        SkipSpace(text, ref position);
        ParseNode(text, ref position, builder, where);
        SkipSpace(text, ref position);
        if (position < text.Length)
            throw Error(where, position, $"unexpected '{text[position]}' after the tree ended");
        return builder.Build();
    }

    private static int ParseNode(string text, ref int position, TreeBuilder builder, string where)
    {
        if (position >= text.Length || text[position] != '(')
            throw Error(where, position, position >= text.Length ? "expected '(', found the end of the line" : $"expected '(', found '{text[position]}'");
        position++;
        int labelStart = position;
        while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] is not ('(' or ')'))
            position++;
        string labelText = text.Substring(labelStart, position - labelStart);
        if (!int.TryParse(labelText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int label))
            throw Error(where, labelStart, labelText.Length == 0 ? "expected a label after '('" : $"the label '{labelText}' is not an integer");
        SkipSpace(text, ref position);
        if (position >= text.Length)
            throw Error(where, position, "the line ends inside a node: a ')' is missing");
        if (text[position] != '(')
        {
            // A token runs to the node's ')' and may hold spaces (the treebank has "8 1\/2").
            int tokenStart = position;
            while (position < text.Length && text[position] is not (')' or '('))
                position++;
            string token = text.Substring(tokenStart, position - tokenStart).TrimEnd();
            Close(text, ref position, where);
            return builder.Leaf(token, -1, label);
        }
        var children = new List<int>();
        while (position < text.Length && text[position] == '(')
        {
            children.Add(ParseNode(text, ref position, builder, where));
            SkipSpace(text, ref position);
        }
        Close(text, ref position, where);
        return builder.Node(label, children.ToArray());
    }

    private static void Close(string text, ref int position, string where)
    {
        if (position >= text.Length)
            throw Error(where, position, "the line ends inside a node: a ')' is missing");
        if (text[position] != ')')
            throw Error(where, position, $"expected ')', found '{text[position]}'");
        position++;
    }

    private static void SkipSpace(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
            position++;
    }

    private static InvalidDataException Error(string where, int position, string what) =>
        new($"{where}, column {position + 1}: {what}.");

    /// <summary>The tree as bracketed text: <c>(label token)</c> at a leaf, <c>(label child child…)</c> above.</summary>
    public static string Write(Tree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var text = new StringBuilder();
        WriteNode(tree, tree.Root, text);
        return text.ToString();
    }

    private static void WriteNode(Tree tree, int node, StringBuilder text)
    {
        text.Append('(').Append(tree.Label(node).ToString(CultureInfo.InvariantCulture));
        if (tree.IsLeaf(node))
        {
            text.Append(' ').Append(tree.Token(node));
        }
        else
        {
            foreach (int child in tree.Children(node))
            {
                text.Append(' ');
                WriteNode(tree, child, text);
            }
        }
        text.Append(')');
    }
}
