using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace SeqGen.IO;

/// <summary>One tensor of a safetensors file: its dtype ("F64", "F32", "F16" or "BF16"), shape and values (widened to double, exactly).</summary>
public sealed record SafeTensor(string Name, string DType, int[] Shape, double[] Values)
{
    /// <summary>Elements in the tensor: the product of its shape (1 for a scalar).</summary>
    public int ElementCount => Values.Length;
}

/// <summary>
/// Reads safetensors files (8-byte little-endian header length, JSON header, raw little-endian
/// data), checking everything before trusting it: the header length against the file size,
/// every offset in bounds and no two tensors overlapping, and each shape against its byte count.
/// A bad file is an <see cref="InvalidDataException"/> that names the problem, and so is a NaN or
/// an infinity among the values unless the caller allows them.
/// </summary>
public static class SafeTensors
{
    /// <summary>Headers larger than this are refused rather than allocated (the format's own limit is 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>Reads and validates a safetensors file; every malformed header, offset or shape, and unless <paramref name="allowNonFinite"/> every NaN or infinity, is an <see cref="System.IO.InvalidDataException"/> naming the reason.</summary>
    public static IReadOnlyDictionary<string, SafeTensor> Read(string path, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllBytes(path), path, out _, allowNonFinite);
    }

    /// <summary>Reads and validates safetensors bytes; <paramref name="source"/> names them in error messages.</summary>
    public static IReadOnlyDictionary<string, SafeTensor> Read(ReadOnlySpan<byte> file, string source = "safetensors data", bool allowNonFinite = false) =>
        Read(file, source, out _, allowNonFinite);

    /// <summary>Reads the tensors and the string-to-string <c>__metadata__</c> (empty when absent).</summary>
    public static IReadOnlyDictionary<string, SafeTensor> Read(ReadOnlySpan<byte> file, string source, out IReadOnlyDictionary<string, string> metadata, bool allowNonFinite = false)
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
        ReadOnlySpan<byte> headerBytes = file.Slice(8, (int)headerLength);
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
            throw new InvalidDataException($"{source}: the header is not valid UTF-8.");
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the header is not valid JSON: {e.Message}", e);
        }
        using (header)
        try
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
                if (!allowNonFinite && NonFinite(tensor.Values) is string problem)
                    throw new InvalidDataException($"{source}: tensor '{entry.Name}' {problem}; pass allowNonFinite to load it anyway.");
                ranges.Add((start, end, entry.Name));
                tensors[entry.Name] = tensor;
            }
        }
        catch (InvalidOperationException e)
        {
            // A name or string the JSON reader cannot turn into text (an escaped lone surrogate).
            throw new InvalidDataException($"{source}: the header holds text that is not valid Unicode: {e.Message}", e);
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
    /// so a crash mid-save leaves the previous file whole. A NaN or infinity is an
    /// <see cref="ArgumentException"/> unless <paramref name="allowNonFinite"/>.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, bool asFloat32, IReadOnlyDictionary<string, string>? metadata = null, bool allowNonFinite = false) =>
        Write(path, tensors, asFloat32 ? "F32" : "F64", metadata, allowNonFinite);

    /// <summary>
    /// Writes tensors in <paramref name="dtype"/> — "F64", "F32", "F16" or "BF16" (the last two
    /// rounded to nearest, ties to even, as PyTorch's <c>.half()</c> and <c>.bfloat16()</c>) — atomically
    /// as <see cref="Write(string, IReadOnlyList{SafeTensor}, bool, IReadOnlyDictionary{string, string}?, bool)"/>.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, string dtype, IReadOnlyDictionary<string, string>? metadata = null, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(dtype);
        int width = Width(dtype) ?? throw new ArgumentException($"dtype '{dtype}' is not F64, F32, F16 or BF16.", nameof(dtype));
        if (!allowNonFinite)
        {
            foreach (SafeTensor tensor in tensors)
            {
                if (NonFinite(tensor.Values) is string problem)
                    throw new ArgumentException($"Tensor '{tensor.Name}' {problem}; pass allowNonFinite to write it anyway.", nameof(tensors));
            }
        }
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
            json.Append(JsonSerializerEscape(tensor.Name)).Append(":{\"dtype\":\"").Append(dtype)
                .Append("\",\"shape\":[").Append(string.Join(",", tensor.Shape)).Append("],\"data_offsets\":[")
                .Append(offset).Append(',').Append(offset + count * width).Append("]}");
            offset += count * width;
        }
        json.Append('}');
        // Pad the header with spaces to a multiple of 8 bytes, as the format recommends.
        while ((Encoding.UTF8.GetByteCount(json.ToString()) % 8) != 0)
            json.Append(' ');
        byte[] header = Encoding.UTF8.GetBytes(json.ToString());
        ValueFormat code = Code(dtype);
        AtomicFile.Write(path, stream =>
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
                    Encode(code, v, value);
                    stream.Write(value.Slice(0, width));
                }
            }
        });
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
        int width = Width(dtype) ?? throw new InvalidDataException($"{source}: tensor '{name}' has dtype {dtype}; only F64, F32, F16 and BF16 are supported.");
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
        ValueFormat code = Code(dtype);
        for (int i = 0; i < values.Length; i++)
            values[i] = Decode(code, bytes.Slice(i * width, width));
        return new SafeTensor(name, dtype, shape, values);
    }

    private static int? Width(string dtype) => dtype switch
    {
        "F64" => 8,
        "F32" => 4,
        "F16" or "BF16" => 2,
        _ => null,
    };

    // The dtype named once per tensor, so the per-element conversion switches on a number, not a string.
    private enum ValueFormat { F64, F32, F16, BF16 }

    private static ValueFormat Code(string dtype) => dtype switch
    {
        "F64" => ValueFormat.F64,
        "F32" => ValueFormat.F32,
        "F16" => ValueFormat.F16,
        _ => ValueFormat.BF16,
    };

    // Every format widens to double exactly; bfloat16 is the top half of a float32.
    private static double Decode(ValueFormat code, ReadOnlySpan<byte> bytes) => code switch
    {
        ValueFormat.F64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        ValueFormat.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        ValueFormat.F16 => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
        _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
    };

    private static void Encode(ValueFormat code, double value, Span<byte> bytes)
    {
        switch (code)
        {
            case ValueFormat.F64:
                BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
                break;
            case ValueFormat.F32:
                BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value);
                break;
            case ValueFormat.F16:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, BitConverter.HalfToUInt16Bits((Half)value));
                break;
            default:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, ToBFloat16((float)value));
                break;
        }
    }

    // Round to nearest, ties to even, on the 16 bits dropped; a NaN stays a (quiet) NaN.
    internal static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
            return (ushort)((bits >> 16) | 0x0040);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    // "holds 3 non-finite values (the first, at index 5, is NaN)", or null when all are finite.
    internal static string? NonFinite(ReadOnlySpan<double> values)
    {
        int count = 0, first = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                count++;
                if (first < 0)
                    first = i;
            }
        }
        return count == 0 ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"holds {count} non-finite value{(count == 1 ? "" : "s")} (the first, at index {first}, is {values[first]})");
    }
}
