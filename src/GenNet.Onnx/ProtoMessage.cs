using Google.Protobuf;

namespace GenNet.Onnx;

/// <summary>
/// One protobuf message being written field by field with <see cref="CodedOutputStream"/>. A nested message is
/// written whole into its own buffer first, because its length prefix comes before its bytes.
/// </summary>
internal sealed class ProtoMessage
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoMessage()
    {
        _output = new CodedOutputStream(_buffer, leaveOpen: true);
    }

    /// <summary>An <c>int32</c>, <c>int64</c> or enum field (varint).</summary>
    public ProtoMessage Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    /// <summary>A <c>float</c> field (fixed 32 bits).</summary>
    public ProtoMessage Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    /// <summary>A <c>string</c> field (UTF-8, length-delimited).</summary>
    public ProtoMessage String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    /// <summary>A <c>bytes</c> field.</summary>
    public ProtoMessage Bytes(int field, ReadOnlyMemory<byte> value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
        return this;
    }

    /// <summary>A message field, or one element of a repeated message field.</summary>
    public ProtoMessage Message(int field, ProtoMessage message) => Bytes(field, message.ToMemory());

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> ToMemory()
    {
        _output.Flush();
        return new ReadOnlyMemory<byte>(_buffer.GetBuffer(), 0, checked((int)_buffer.Length));
    }
}
