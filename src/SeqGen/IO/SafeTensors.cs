using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace SeqGen.IO;

/// <summary>One tensor of a safetensors file: its dtype ("F32" or "F64"), shape and values (widened to double).</summary>
public sealed record SafeTensor(string Name, string DType, int[] Shape, double[] Values)
{
    /// <summary>Elements in the tensor: the product of its shape (1 for a scalar).</summary>
    public int ElementCount => Values.Length;
}

/// <summary>
/// Reads safetensors files (8-byte little-endian header length, JSON header, raw little-endian
/// data), checking everything before trusting it: the header length against the file size,
/// every offset in bounds and no two tensors overlapping, and each shape against its byte count.
/// A bad file is an <see cref="InvalidDataException"/> that names the problem.
/// </summary>
public static class SafeTensors
{
    /// <summary>Headers larger than this are refused rather than allocated (the format's own limit is 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>Reads and validates a safetensors file; every malformed header, offset or shape is an <see cref="System.IO.InvalidDataException"/> naming the reason.</summary>
    public static IReadOnlyDictionary<string, SafeTensor> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads and validates safetensors bytes; <paramref name="source"/> names them in error messages.</summary>
    public static IReadOnlyDictionary<string, SafeTensor> Read(ReadOnlySpan<byte> file, string source = "safetensors data") =>
        Read(file, source, out _);

    /// <summary>Reads the tensors and the string-to-string <c>__metadata__</c> (empty when absent).</summary>
    public static IReadOnlyDictionary<string, SafeTensor> Read(ReadOnlySpan<byte> file, string source, out IReadOnlyDictionary<string, string> metadata)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        metadata = meta;
        if (file.Length < 8)
            throw new InvalidDataException($"{source}: {file.Length} bytes is too short for the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(file.Length - 8))
            throw new InvalidDataException($"{source}: the header claims {headerLength} bytes, but the file has {file.Length - 8} after the length.");
        ReadOnlySpan<byte> data = file.Slice(8 + (int)headerLength);
        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        var ranges = new List<(long Start, long End, string Name)>();
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(file.Slice(8, (int)headerLength).ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the header is not valid JSON: {e.Message}", e);
        }
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: the header must be a JSON object.");
            foreach (JsonProperty entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                        throw new InvalidDataException($"{source}: __metadata__ must be an object of strings.");
                    foreach (JsonProperty item in entry.Value.EnumerateObject())
                    {
                        if (item.Value.ValueKind != JsonValueKind.String)
                            throw new InvalidDataException($"{source}: __metadata__ value '{item.Name}' is not a string.");
                        meta[item.Name] = item.Value.GetString()!;
                    }
                    continue;
                }
                SafeTensor tensor = ReadTensor(entry, data, source, out long start, out long end);
                ranges.Add((start, end, entry.Name));
                tensors[entry.Name] = tensor;
            }
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Start < ranges[i - 1].End)
                throw new InvalidDataException($"{source}: tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap.");
        }
        return tensors;
    }

    /// <summary>
    /// Writes tensors (F32 when <paramref name="asFloat32"/>, else F64) and optional metadata, atomically:
    /// to a temporary file that is flushed to disk and then renamed over <paramref name="path"/>,
    /// so a crash mid-save leaves the previous file whole.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, bool asFloat32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        int width = asFloat32 ? 4 : 8;
        var sorted = new List<SafeTensor>(tensors);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var json = new StringBuilder("{");
        long offset = 0;
        if (metadata is not null && metadata.Count > 0)
        {
            json.Append("\"__metadata__\":{");
            bool first = true;
            foreach (var pair in metadata)
            {
                json.Append(first ? "" : ",").Append(JsonSerializerEscape(pair.Key)).Append(':').Append(JsonSerializerEscape(pair.Value));
                first = false;
            }
            json.Append('}');
        }
        foreach (SafeTensor tensor in sorted)
        {
            long count = 1;
            foreach (int d in tensor.Shape)
                count *= d;
            if (count != tensor.Values.Length)
                throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.Values.Length} values but shape [{string.Join(", ", tensor.Shape)}].", nameof(tensors));
            if (json.Length > 1)
                json.Append(',');
            json.Append(JsonSerializerEscape(tensor.Name)).Append(":{\"dtype\":\"").Append(asFloat32 ? "F32" : "F64")
                .Append("\",\"shape\":[").Append(string.Join(",", tensor.Shape)).Append("],\"data_offsets\":[")
                .Append(offset).Append(',').Append(offset + count * width).Append("]}");
            offset += count * width;
        }
        json.Append('}');
        // Pad the header with spaces to a multiple of 8 bytes, as the format recommends.
        while ((Encoding.UTF8.GetByteCount(json.ToString()) % 8) != 0)
            json.Append(' ');
        byte[] header = Encoding.UTF8.GetBytes(json.ToString());
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                Span<byte> value = stackalloc byte[8];
                foreach (SafeTensor tensor in sorted)
                {
                    foreach (double v in tensor.Values)
                    {
                        if (asFloat32)
                            BinaryPrimitives.WriteSingleLittleEndian(value, (float)v);
                        else
                            BinaryPrimitives.WriteDoubleLittleEndian(value, v);
                        stream.Write(value.Slice(0, width));
                    }
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw;
        }
    }

    private static string JsonSerializerEscape(string text)
    {
        var escaped = new StringBuilder("\"");
        foreach (char c in text)
        {
            if (c == '"' || c == '\\')
                escaped.Append('\\').Append(c);
            else if (c < ' ')
                escaped.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else
                escaped.Append(c);
        }
        return escaped.Append('"').ToString();
    }

    private static SafeTensor ReadTensor(JsonProperty entry, ReadOnlySpan<byte> data, string source, out long start, out long end)
    {
        string name = entry.Name;
        JsonElement value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' needs dtype, shape and two data_offsets.");
        }
        string dtype = dtypeElement.GetString()!;
        int width = dtype switch
        {
            "F32" => 4,
            "F64" => 8,
            _ => throw new InvalidDataException($"{source}: tensor '{name}' has dtype {dtype}; only F32 and F64 are supported."),
        };
        var shape = new int[shapeElement.GetArrayLength()];
        long count = 1;
        int d = 0;
        foreach (JsonElement dimension in shapeElement.EnumerateArray())
        {
            if (!dimension.TryGetInt32(out int size) || size < 0)
                throw new InvalidDataException($"{source}: tensor '{name}' has an invalid dimension {dimension}.");
            shape[d++] = size;
            count *= size;
            if (count > int.MaxValue)
                throw new InvalidDataException($"{source}: tensor '{name}' is too large.");
        }
        if (!offsets[0].TryGetInt64(out start) || !offsets[1].TryGetInt64(out end) || start < 0 || end < start || end > data.Length)
            throw new InvalidDataException($"{source}: tensor '{name}' has data_offsets outside the {data.Length} data bytes.");
        if (end - start != count * width)
            throw new InvalidDataException($"{source}: tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {dtype} needs {count * width} bytes, but its offsets span {end - start}.");
        var values = new double[count];
        ReadOnlySpan<byte> bytes = data.Slice((int)start, (int)(end - start));
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = width == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4))
                : BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i * 8));
        }
        return new SafeTensor(name, dtype, shape, values);
    }
}
