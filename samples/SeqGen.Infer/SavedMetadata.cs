using System.Collections.Generic;
using System.Globalization;
using System.IO;
using SeqGen.IO;

/// <summary>The metadata the lab saves beside a model's weights, read with errors that name the file and the key.</summary>
internal sealed class SavedMetadata(string path, string writer)
{
    private readonly IReadOnlyDictionary<string, string> _values = Weights.ReadMetadata(path);

    public string Get(string key) => _values.TryGetValue(key, out string? value)
        ? value
        : throw new InvalidDataException($"{path} has no '{key}' in its metadata; was it written by the lab's {writer}?");

    /// <summary>A positive integer of at most <paramref name="maximum"/>.</summary>
    public int Number(string key, int maximum = int.MaxValue) =>
        int.TryParse(Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value <= maximum
            ? value
            : throw new InvalidDataException($"{path}: metadata '{key}' = '{Get(key)}' is not an integer from 1 to {maximum}.");
}
