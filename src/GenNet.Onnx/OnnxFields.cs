namespace GenNet.Onnx;

// Field numbers of the onnx.proto messages the exporter writes (onnx/onnx.proto in the ONNX repository).
// Only the fields used are listed.

internal static class ModelProto
{
    public const int IrVersion = 1;       // int64 ir_version
    public const int ProducerName = 2;    // string producer_name
    public const int ProducerVersion = 3; // string producer_version
    public const int DocString = 6;       // string doc_string
    public const int Graph = 7;           // GraphProto graph
    public const int OpsetImport = 8;     // repeated OperatorSetIdProto opset_import
}

internal static class OperatorSetIdProto
{
    public const int Domain = 1;          // string domain ("" = the default ai.onnx operator set)
    public const int Version = 2;         // int64 version
}

internal static class GraphProto
{
    public const int Node = 1;            // repeated NodeProto node, topologically sorted
    public const int Name = 2;            // string name
    public const int Initializer = 5;     // repeated TensorProto initializer
    public const int Input = 11;          // repeated ValueInfoProto input
    public const int Output = 12;         // repeated ValueInfoProto output
}

internal static class NodeProto
{
    public const int Input = 1;           // repeated string input
    public const int Output = 2;          // repeated string output
    public const int Name = 3;            // string name
    public const int OpType = 4;          // string op_type
    public const int Attribute = 5;       // repeated AttributeProto attribute
}

internal static class AttributeProto
{
    public const int Name = 1;            // string name
    public const int F = 2;               // float f
    public const int I = 3;               // int64 i
    public const int Ints = 8;            // repeated int64 ints
    public const int Type = 20;           // AttributeType type (FLOAT = 1, INT = 2, INTS = 7)
}

internal static class TensorProto
{
    public const int Dims = 1;            // repeated int64 dims
    public const int DataType = 2;        // int32 data_type (FLOAT = 1)
    public const int Name = 8;            // string name
    public const int RawData = 9;         // bytes raw_data, little-endian
}

internal static class ValueInfoProto
{
    public const int Name = 1;            // string name
    public const int Type = 2;            // TypeProto type
}

internal static class TypeProto
{
    public const int TensorType = 1;      // TypeProto.Tensor tensor_type
    public const int ElemType = 1;        // TypeProto.Tensor: int32 elem_type
    public const int Shape = 2;           // TypeProto.Tensor: TensorShapeProto shape
}

internal static class TensorShapeProto
{
    public const int Dim = 1;             // repeated Dimension dim
    public const int DimValue = 1;        // Dimension: int64 dim_value
    public const int DimParam = 2;        // Dimension: string dim_param
}
