using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;

namespace SeqGen.IO;

/// <summary>
/// Exports a recurrent stack (and optionally an embedding before it and a linear head after it) as
/// an ONNX model (opset 14, float32) that ONNX Runtime runs: each layer one ONNX <c>LSTM</c>,
/// <c>GRU</c> or <c>RNN</c> node with <c>layout = 0</c>, gates reordered to ONNX's (LSTM i, o, f, c;
/// GRU z, r, h), bidirectional layers joined as the stack joins them (forward half first).
/// Inputs: <c>input</c> [steps, batch, features] (or <c>tokens</c> [steps, batch] int64 with an
/// embedding) and <c>sequence_lens</c> [batch] int32; outputs: <c>output</c> [steps, batch,
/// directions·hidden] (or the head's [steps, batch, outputs]), <c>h_n</c> [layers·directions,
/// batch, hidden] and, for LSTMs, <c>c_n</c>, in PyTorch's order. Steps past a sequence's length
/// are zero in ONNX's output. Cells: <c>Lstm</c>, <c>DiagonalPeepholeLstm</c> (peepholes P),
/// <c>CoupledLstm</c> (<c>input_forget = 1</c>), <c>Gru</c> (<c>linear_before_reset = 1</c>), <c>ChoGru</c> (0), <c>ElmanRnn</c> (Tanh),
/// <c>ElmanReluRnn</c> (Relu); any other cell is a <see cref="NotSupportedException"/> naming it.
/// </summary>
public static class OnnxExport
{
    private const int Opset = 14, IrVersion = 8, FloatType = 1, Int32Type = 6, Int64Type = 7;

    /// <summary>Writes the model to <paramref name="path"/> (see <see cref="Export{T}(RecurrentStack{T}, Embedding{T}?, Linear{T}?)"/>).</summary>
    public static void Save<T>(string path, RecurrentStack<T> stack, Embedding<T>? embedding = null, Linear<T>? head = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] model = Export(stack, embedding, head);
        AtomicFile.Write(path, stream => stream.Write(model));
    }

    /// <summary>The ONNX model's bytes.</summary>
    public static byte[] Export<T>(RecurrentStack<T> stack, Embedding<T>? embedding = null, Linear<T>? head = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stack);
        if (embedding is not null && embedding.Dimension != stack.InputSize)
            throw new ArgumentException($"The embedding gives {embedding.Dimension} features; the stack takes {stack.InputSize}.", nameof(embedding));
        if (head is not null && head.Inputs != stack.OutputSize)
            throw new ArgumentException($"The head takes {head.Inputs} features; the stack gives {stack.OutputSize}.", nameof(head));
        var layers = new List<Layer>();
        for (int l = 0; l < stack.Layers; l++)
            layers.Add(Layer.Of(stack, l));
        int hidden = stack.HiddenSize, directions = stack.Directions;
        bool lstm = layers[0].Op == "LSTM";

        var nodes = new List<Action<ProtobufWriter>>();
        var initializers = new List<Action<ProtobufWriter>>();
        string x = "input";
        if (embedding is not null)
        {
            initializers.Add(Tensor("embedding.weight", new long[] { embedding.Count, embedding.Dimension }, ToFloats<T>(embedding.Parameters)));
            nodes.Add(Node("Gather", new[] { "embedding.weight", "tokens" }, new[] { "embedded" }, "embedding"));
            x = "embedded";
        }
        var hs = new List<string>();
        var cs = new List<string>();
        for (int l = 0; l < layers.Count; l++)
        {
            Layer layer = layers[l];
            string p = $"layer{l}.";
            initializers.Add(Tensor(p + "W", new long[] { directions, layer.Gates * hidden, layer.InputSize }, layer.W));
            initializers.Add(Tensor(p + "R", new long[] { directions, layer.Gates * hidden, hidden }, layer.R));
            initializers.Add(Tensor(p + "B", new long[] { directions, 2 * layer.Gates * hidden }, layer.B));
            var inputs = new List<string> { x, p + "W", p + "R", p + "B", "sequence_lens" };
            if (layer.P is not null)
            {
                initializers.Add(Tensor(p + "P", new long[] { directions, 3 * hidden }, layer.P));
                inputs.AddRange(new[] { "", "", p + "P" });
            }
            var outputs = new List<string> { p + "Y", p + "Y_h" };
            if (lstm)
                outputs.Add(p + "Y_c");
            var attributes = new List<Action<ProtobufWriter>>
            {
                IntAttribute("hidden_size", hidden),
                StringAttribute("direction", directions == 2 ? "bidirectional" : "forward"),
                IntAttribute("layout", 0),
            };
            if (layer.Op == "GRU")
                attributes.Add(IntAttribute("linear_before_reset", layer.LinearBeforeReset ? 1 : 0));
            if (layer.InputForget)
                attributes.Add(IntAttribute("input_forget", 1));
            if (layer.Op == "RNN")
                attributes.Add(StringsAttribute("activations", directions == 2 ? new[] { layer.Activation!, layer.Activation! } : new[] { layer.Activation! }));
            nodes.Add(Node(layer.Op, inputs.ToArray(), outputs.ToArray(), $"layer{l}", attributes.ToArray()));
            // Y is [steps, directions, batch, hidden]; the next layer and the output want [steps, batch, directions·hidden].
            nodes.Add(Node("Transpose", new[] { p + "Y" }, new[] { p + "Y_t" }, p + "transpose", IntsAttribute("perm", 0, 2, 1, 3)));
            nodes.Add(Node("Reshape", new[] { p + "Y_t", "joined_shape" }, new[] { p + "out" }, p + "join"));
            x = p + "out";
            hs.Add(p + "Y_h");
            cs.Add(p + "Y_c");
        }
        initializers.Add(Int64Tensor("joined_shape", new long[] { 0, 0, -1 }));
        string output = x;
        if (head is not null)
        {
            // Gemm takes a matrix: [steps·batch, features] and back.
            initializers.Add(Tensor("head.weight", new long[] { head.Outputs, head.Inputs }, ToFloats<T>(head.Weight)));
            initializers.Add(Tensor("head.bias", new long[] { head.Outputs }, head.HasBias ? ToFloats<T>(head.Bias) : new float[head.Outputs]));
            initializers.Add(Int64Tensor("rows_shape", new long[] { -1, head.Inputs }));
            nodes.Add(Node("Shape", new[] { x }, new[] { "stack_shape" }, "stack_shape"));
            initializers.Add(Int64Tensor("two", new long[] { 2 }));
            initializers.Add(Int64Tensor("zero", new long[] { 0 }));
            nodes.Add(Node("Slice", new[] { "stack_shape", "zero", "two" }, new[] { "steps_batch" }, "steps_batch"));
            initializers.Add(Int64Tensor("head_outputs", new long[] { head.Outputs }));
            nodes.Add(Node("Concat", new[] { "steps_batch", "head_outputs" }, new[] { "head_shape" }, "head_shape", IntAttribute("axis", 0)));
            nodes.Add(Node("Reshape", new[] { x, "rows_shape" }, new[] { "rows" }, "rows"));
            nodes.Add(Node("Gemm", new[] { "rows", "head.weight", "head.bias" }, new[] { "logits" }, "head", IntAttribute("transB", 1)));
            nodes.Add(Node("Reshape", new[] { "logits", "head_shape" }, new[] { "output" }, "unrows"));
        }
        else
        {
            nodes.Add(Node("Identity", new[] { x }, new[] { "output" }, "output"));
        }
        nodes.Add(Node("Concat", hs.ToArray(), new[] { "h_n" }, "h_n", IntAttribute("axis", 0)));
        if (lstm)
            nodes.Add(Node("Concat", cs.ToArray(), new[] { "c_n" }, "c_n", IntAttribute("axis", 0)));

        var graph = new ProtobufWriter();
        foreach (var node in nodes)
            graph.Message(1, node);
        graph.String(2, "seqgen");
        foreach (var initializer in initializers)
            graph.Message(5, initializer);
        if (embedding is not null)
            graph.Message(11, Value("tokens", Int64Type, "steps", "batch"));
        else
            graph.Message(11, Value("input", FloatType, "steps", "batch", stack.InputSize));
        graph.Message(11, Value("sequence_lens", Int32Type, "batch"));
        graph.Message(12, Value("output", FloatType, "steps", "batch", head?.Outputs ?? stack.OutputSize));
        graph.Message(12, Value("h_n", FloatType, layers.Count * directions, "batch", hidden));
        if (lstm)
            graph.Message(12, Value("c_n", FloatType, layers.Count * directions, "batch", hidden));

        // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 { domain 1, version 2 }.
        return new ProtobufWriter()
            .Int(1, IrVersion)
            .String(2, "SeqGen")
            .Message(7, graph)
            .Message(8, o => o.String(1, "").Int(2, Opset))
            .ToArray();
    }

    private static Action<ProtobufWriter> Node(string op, string[] inputs, string[] outputs, string name, params Action<ProtobufWriter>[] attributes) => w =>
    {
        foreach (string input in inputs)
            w.String(1, input);
        foreach (string output in outputs)
            w.String(2, output);
        w.String(3, name);
        w.String(4, op);
        foreach (var attribute in attributes)
            w.Message(5, attribute);
    };

    // AttributeProto: name 1, f 2, i 3, s 4, ints 8, strings 9, type 20 (INT 2, STRING 3, INTS 7, STRINGS 8).
    private static Action<ProtobufWriter> IntAttribute(string name, long value) => w => w.String(1, name).Int(3, value).Int(20, 2);

    private static Action<ProtobufWriter> StringAttribute(string name, string value) => w => w.String(1, name).String(4, value).Int(20, 3);

    private static Action<ProtobufWriter> IntsAttribute(string name, params long[] values) => w =>
    {
        w.String(1, name);
        foreach (long v in values)
            w.Int(8, v);
        w.Int(20, 7);
    };

    private static Action<ProtobufWriter> StringsAttribute(string name, string[] values) => w =>
    {
        w.String(1, name);
        foreach (string v in values)
            w.String(9, v);
        w.Int(20, 8);
    };

    // TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian).
    private static Action<ProtobufWriter> Tensor(string name, long[] dims, float[] values) => w =>
    {
        foreach (long d in dims)
            w.Int(1, d);
        w.Int(2, FloatType);
        w.String(8, name);
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
        w.Bytes(9, raw);
    };

    private static Action<ProtobufWriter> Int64Tensor(string name, long[] values) => w =>
    {
        w.Int(1, values.Length);
        w.Int(2, Int64Type);
        w.String(8, name);
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8 * i), values[i]);
        w.Bytes(9, raw);
    };

    // ValueInfoProto { name 1, type 2: TypeProto { tensor_type 1: { elem_type 1, shape 2: { dim 1: { dim_value 1 | dim_param 2 } } } } }.
    private static Action<ProtobufWriter> Value(string name, int elementType, params object[] dims) => w => w
        .String(1, name)
        .Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int(1, elementType);
            tensor.Message(2, shape =>
            {
                foreach (object d in dims)
                    shape.Message(1, dim => { if (d is string symbol) dim.String(2, symbol); else dim.Int(1, Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture)); });
            });
        }));

    private static float[] ToFloats<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var floats = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
            floats[i] = float.CreateChecked(values[i]);
        return floats;
    }

    /// <summary>One layer's ONNX operator and weights, both directions, in ONNX's gate order.</summary>
    private sealed class Layer
    {
        public string Op = "";
        public int Gates, InputSize;
        public bool LinearBeforeReset, InputForget;
        public string? Activation;
        public float[] W = [], R = [], B = [];
        public float[]? P;

        public static Layer Of<T>(RecurrentStack<T> stack, int l) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var layer = new Layer();
            int hidden = stack.HiddenSize;
            var w = new List<float>();
            var r = new List<float>();
            var b = new List<float>();
            var p = new List<float>();
            for (int d = 0; d < stack.Directions; d++)
            {
                RecurrentCellBase<T> cell = stack.Cell(l, d);
                // Per ONNX gate: the input matrix, the recurrent matrix, the input-side and recurrent-side biases (null: zero).
                (string? W, string? U, string? Wb, string? Rb)[] gates;
                switch (cell)
                {
                    case DiagonalPeepholeLstm<T>:
                    case Lstm<T>:
                        layer.Op = "LSTM";
                        gates = new (string?, string?, string?, string?)[] { ("W_i", "U_i", "b_i", null), ("W_o", "U_o", "b_o", null), ("W_f", "U_f", "b_f", null), ("W_g", "U_g", "b_g", null) };
                        break;
                    case CoupledLstm<T>:
                        // input_forget = 1: ONNX Runtime computes the forget gate as 1 − i and ignores its weights;
                        // 1 − f = sigmoid(−(W_f x + U_f h + b_f)), so the input gate takes f's weights negated.
                        layer.Op = "LSTM";
                        layer.InputForget = true;
                        gates = new (string?, string?, string?, string?)[] { ("W_f", "U_f", "b_f", null), ("W_o", "U_o", "b_o", null), (null, null, null, null), ("W_g", "U_g", "b_g", null) };
                        break;
                    case Gru<T>:
                        layer.Op = "GRU";
                        layer.LinearBeforeReset = true;
                        gates = new (string?, string?, string?, string?)[] { ("W_z", "U_z", "b_iz", "b_hz"), ("W_r", "U_r", "b_ir", "b_hr"), ("W_n", "U_n", "b_in", "b_hn") };
                        break;
                    case ChoGru<T>:
                        layer.Op = "GRU";
                        gates = new (string?, string?, string?, string?)[] { ("W_z", "U_z", "b_z", null), ("W_r", "U_r", "b_r", null), ("W_n", "U_n", "b_n", null) };
                        break;
                    case ElmanRnn<T>:
                    case ElmanReluRnn<T>:
                        layer.Op = "RNN";
                        layer.Activation = cell is ElmanRnn<T> ? "Tanh" : "Relu";
                        gates = new (string?, string?, string?, string?)[] { ("W", "U", "b", null) };
                        break;
                    default:
                        throw new NotSupportedException(
                            $"Layer {l}{(stack.Directions == 2 ? (d == 0 ? " (forward)" : " (reverse)") : "")} is a {cell.GetType().Name}, which no ONNX operator computes; " +
                            "ONNX export covers Lstm, DiagonalPeepholeLstm, CoupledLstm, Gru, ChoGru, ElmanRnn and ElmanReluRnn layers.");
                }
                if (cell.StateSize(cell.OutputState) != hidden)
                    throw new NotSupportedException($"Layer {l} has hidden size {cell.StateSize(cell.OutputState)}, the stack {hidden}; an ONNX layer has one.");
                layer.Gates = gates.Length;
                layer.InputSize = l == 0 ? stack.InputSize : stack.OutputSize;
                int wFrom = w.Count, rFrom = r.Count, bFrom = b.Count;
                foreach (var gate in gates)
                {
                    w.AddRange(gate.W is null ? new float[hidden * layer.InputSize] : ToFloats<T>(cell.Parameter(gate.W)));
                    r.AddRange(gate.U is null ? new float[hidden * hidden] : ToFloats<T>(cell.Parameter(gate.U!)));
                }
                foreach (var gate in gates)
                    b.AddRange(gate.Wb is null ? new float[hidden] : ToFloats<T>(cell.Parameter(gate.Wb)));
                foreach (var gate in gates)
                    b.AddRange(gate.Rb is null ? new float[hidden] : ToFloats<T>(cell.Parameter(gate.Rb)));
                if (layer.InputForget)
                {
                    for (int i = 0; i < hidden * layer.InputSize; i++)
                        w[wFrom + i] = -w[wFrom + i];
                    for (int i = 0; i < hidden * hidden; i++)
                        r[rFrom + i] = -r[rFrom + i];
                    for (int i = 0; i < hidden; i++)
                        b[bFrom + i] = -b[bFrom + i];
                }
                if (cell is DiagonalPeepholeLstm<T>)
                {
                    foreach (string peephole in new[] { "p_i", "p_o", "p_f" })
                        p.AddRange(ToFloats<T>(cell.Parameter(peephole)));
                }
            }
            if (p.Count > 0 && p.Count != stack.Directions * 3 * hidden)
                throw new NotSupportedException($"Layer {l} mixes cells with and without peepholes.");
            (layer.W, layer.R, layer.B, layer.P) = (w.ToArray(), r.ToArray(), b.ToArray(), p.Count > 0 ? p.ToArray() : null);
            return layer;
        }
    }
}
