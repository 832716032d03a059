using System;
using System.IO;
using System.Text;

namespace SeqGen.IO;

/// <summary>
/// The few protocol-buffer encodings an ONNX file needs (varints, 64-bit integers, strings, bytes,
/// packed floats and nested messages), written field by field in the order given.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly MemoryStream _stream = new();

    public byte[] ToArray() => _stream.ToArray();

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _stream.WriteByte((byte)value);
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    public ProtobufWriter Int(int field, long value)
    {
        Tag(field, 0);
        Varint(unchecked((ulong)value));
        return this;
    }

    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> bytes)
    {
        Tag(field, 2);
        Varint((ulong)bytes.Length);
        _stream.Write(bytes);
        return this;
    }

    public ProtobufWriter String(int field, string text) => Bytes(field, Encoding.UTF8.GetBytes(text));

    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _stream.Write(bytes);
        return this;
    }

    /// <summary>A message already written into <paramref name="nested"/>.</summary>
    public ProtobufWriter Message(int field, ProtobufWriter nested) => Bytes(field, nested.ToArray());

    public ProtobufWriter Message(int field, Action<ProtobufWriter> write)
    {
        var nested = new ProtobufWriter();
        write(nested);
        return Bytes(field, nested.ToArray());
    }
}
