using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace SeqGen.IO;

/// <summary>One bAbI question with the story before it: every sentence as word ids, oldest first.</summary>
/// <param name="Story">The story's sentences up to the question (questions left out), oldest first, as word ids.</param>
/// <param name="Question">The question's word ids.</param>
/// <param name="Answer">The answer's word id.</param>
/// <param name="Supporting">Indices into <paramref name="Story"/> of the supporting facts.</param>
public sealed record BabiExample(int[][] Story, int[] Question, int Answer, int[] Supporting);

/// <summary>
/// Reads the bAbI question-answering format (Weston et al. 2015): numbered lines, a story
/// restarting at line 1, questions as <c>N question?&lt;TAB&gt;answer&lt;TAB&gt;supporting ids</c>.
/// Words are lower-cased and stripped of punctuation; the vocabulary is built from the training
/// data and a word outside it is an error naming the line.
/// </summary>
public sealed class Babi
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _words = new();

    private Babi()
    {
    }

    /// <summary>The vocabulary, in order of first appearance: the word of each id.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The id of <paramref name="word"/> (lower case, no punctuation).</summary>
    public int Id(string word) => _ids.TryGetValue(word, out int id) ? id : throw new KeyNotFoundException($"'{word}' is not in the vocabulary.");

    /// <summary>Reads a training file and builds the vocabulary from it.</summary>
    public static (Babi Vocabulary, List<BabiExample> Examples) ReadTraining(string path)
    {
        var vocabulary = new Babi();
        return (vocabulary, vocabulary.Parse(File.ReadAllLines(path), path, grow: true));
    }

    /// <summary>Reads a file with this vocabulary (a test file); an unknown word is an error.</summary>
    public List<BabiExample> Read(string path) => Parse(File.ReadAllLines(path), path, grow: false);

    /// <summary>Parses lines with this vocabulary (test data); an unknown word is an error.</summary>
    public List<BabiExample> ReadLines(IReadOnlyList<string> lines, string source) => Parse(lines, source, grow: false);

    /// <summary>Parses lines in the bAbI format and builds the vocabulary from them; <paramref name="source"/> names them in errors.</summary>
    public static (Babi Vocabulary, List<BabiExample> Examples) Parse(IReadOnlyList<string> lines, string source)
    {
        var vocabulary = new Babi();
        return (vocabulary, vocabulary.Parse(lines, source, grow: true));
    }

    private List<BabiExample> Parse(IReadOnlyList<string> lines, string source, bool grow)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var examples = new List<BabiExample>();
        var story = new List<int[]>();
        // Line number within the story → index into story (statements only).
        var statementOf = new Dictionary<int, int>();
        int expected = 1;
        for (int n = 0; n < lines.Count; n++)
        {
            string line = lines[n].TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            string where = $"{source}, line {n + 1}";
            int space = line.IndexOf(' ');
            if (space <= 0 || !int.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out int number))
                throw new InvalidDataException($"{where}: expected a line number, then the text: \"{line}\".");
            if (number == 1)
            {
                story.Clear();
                statementOf.Clear();
            }
            else if (number != expected)
            {
                throw new InvalidDataException($"{where}: line number {number} follows {expected - 1}; a story numbers its lines 1, 2, 3, ...");
            }
            expected = number + 1;
            string text = line.Substring(space + 1);
            string[] parts = text.Split('\t');
            if (parts.Length == 1)
            {
                statementOf[number] = story.Count;
                story.Add(WordIds(parts[0], where, grow));
                continue;
            }
            if (parts.Length != 3)
                throw new InvalidDataException($"{where}: a question has three tab-separated parts (question, answer, supporting line ids); this line has {parts.Length}.");
            int[] question = WordIds(parts[0], where, grow);
            int[] answer = WordIds(parts[1], where, grow);
            if (answer.Length != 1)
                throw new InvalidDataException($"{where}: the answer \"{parts[1]}\" must be one word.");
            string[] ids = parts[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var supporting = new int[ids.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                if (!int.TryParse(ids[i], NumberStyles.None, CultureInfo.InvariantCulture, out int id) || !statementOf.TryGetValue(id, out int index))
                    throw new InvalidDataException($"{where}: supporting fact \"{ids[i]}\" is not an earlier statement of this story.");
                supporting[i] = index;
            }
            examples.Add(new BabiExample(story.ToArray(), question, answer[0], supporting));
        }
        return examples;
    }

    private int[] WordIds(string text, string where, bool grow)
    {
        var ids = new List<int>();
        foreach (string raw in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string word = raw.Trim().TrimEnd('.', '?', '!', ',').ToLowerInvariant();
            if (word.Length == 0)
                continue;
            if (!_ids.TryGetValue(word, out int id))
            {
                if (!grow)
                    throw new InvalidDataException($"{where}: '{word}' is not in the training vocabulary.");
                id = _words.Count;
                _ids.Add(word, id);
                _words.Add(word);
            }
            ids.Add(id);
        }
        if (ids.Count == 0)
            throw new InvalidDataException($"{where}: the text is empty.");
        return ids.ToArray();
    }
}
