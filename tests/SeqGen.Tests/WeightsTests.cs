using System;
using System.Collections.Generic;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Runners;

namespace SeqGen.Tests;

/// <summary>Safetensors writing and validation, and PyTorch names in both directions.</summary>
public class WeightsTests
{
    [Fact]
    public void ExportWriteReadImport_RoundTrips()
    {
        var stack = new RecurrentStack<double>((l, d, size) => new Gru<double>(size, 4, seed: 3 * l + d), inputSize: 3, layers: 2, bidirectional: true);
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Write(path, TorchWeights.Export(stack, TorchModule.Gru), asFloat32: false, new System.Collections.Generic.Dictionary<string, string> { ["format"] = "pt" });
            var copy = new RecurrentStack<double>((l, d, size) => new Gru<double>(size, 4, seed: 99), inputSize: 3, layers: 2, bidirectional: true);
            TorchWeights.Import(copy, TorchModule.Gru, path);
            for (int l = 0; l < 2; l++)
                for (int d = 0; d < 2; d++)
                    Assert.Equal(stack.Cell(l, d).Parameters, copy.Cell(l, d).Parameters);
            Assert.Equal(new[] { 12, 3 }, SafeTensors.Read(path)["weight_ih_l0"].Shape);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Import_ListsEveryMismatch()
    {
        var f = TorchParityTests.Fixture("gru", "f64");
        var stack = new RecurrentStack<double>((l, d, size) => new Gru<double>(size, 5), inputSize: 5, layers: 2);
        var error = Assert.Throws<InvalidDataException>(() => TorchWeights.Import(stack, TorchModule.Gru, f));
        Assert.Contains("weight_ih_l0' has shape [21, 5], expected [15, 5]", error.Message);
        Assert.Contains("missing tensor 'weight_ih_l1'", error.Message);
        var lstm = new RecurrentStack<double>((l, d, size) => new Lstm<double>(size, 7), inputSize: 5, layers: 1);
        Assert.Contains("has no parameter 'W_r'", Assert.Throws<InvalidDataException>(() => TorchWeights.Import(lstm, TorchModule.Gru, f)).Message);
    }

    private static byte[] Encode(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "offsets outside")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "only F64, F32, F16 and BF16")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0, "invalid dimension")]
    [InlineData("not json", 0, "not valid JSON")]
    [InlineData("[1,2]", 0, "JSON object")]
    public void MalformedFiles_AreRejectedWithTheReason(string header, int dataBytes, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(Encode(header, dataBytes)));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void TruncatedAndOversizedHeaders_AreRejected()
    {
        Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new byte[5]));
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("header claims", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(huge)).Message);
    }
}

public class NamedWeightsTests
{
    [Fact]
    public void Metadata_IsSavedWithTheWeights_AndReadBack()
    {
        var head = new SeqGen.Modules.Linear<float>(4, 2, seed: 6);
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-m-{Guid.NewGuid():N}.safetensors");
        try
        {
            Weights.Save(path, head, new Dictionary<string, string> { ["vocabulary"] = "abc \"é\"", ["hidden"] = "4" });
            IReadOnlyDictionary<string, string> metadata = Weights.ReadMetadata(path);
            Assert.Equal("abc \"é\"", metadata["vocabulary"]);
            Assert.Equal("4", metadata["hidden"]);
            Weights.Save(path, head);
            Assert.Empty(Weights.ReadMetadata(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SaveLoad_ByGeneratedNames_AndRejectsMismatchesWhole()
    {
        var cell = new Lstm<float>(inputSize: 3, hiddenSize: 4, seed: 5);
        var head = new SeqGen.Modules.Linear<float>(4, 2, seed: 6);
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-w-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = new SeqGen.Model.ModuleDict<float> { ["encoder"] = cell, ["head"] = head };
            Weights.Save(path, model);
            var names = SafeTensors.Read(path);
            Assert.Equal(new[] { 4, 3 }, names["encoder.W_i"].Shape);
            Assert.Equal(new[] { 4 }, names["encoder.b_f"].Shape);
            Assert.Equal(new[] { 2, 4 }, names["head.weight"].Shape);

            var copy = new Lstm<float>(inputSize: 3, hiddenSize: 4, seed: 9);
            var copyHead = new SeqGen.Modules.Linear<float>(4, 2, seed: 10);
            Weights.Load(path, new SeqGen.Model.ModuleDict<float> { ["encoder"] = copy, ["head"] = copyHead });
            Assert.Equal(cell.Parameters, copy.Parameters);
            Assert.Equal(head.Parameters, copyHead.Parameters);

            var wrong = new Lstm<float>(inputSize: 3, hiddenSize: 5);
            float[] before = (float[])wrong.Parameters.Clone();
            var error = Assert.Throws<InvalidDataException>(() => Weights.Load(path, new SeqGen.Model.ModuleDict<float> { ["encoder"] = wrong }));
            Assert.Contains("'encoder.W_i' is [4, 3] in the file, the model's is [5, 3]", error.Message);
            Assert.Contains("unexpected 'head.weight' [2, 4]", error.Message);
            Assert.Equal(before, wrong.Parameters);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>A whole PyTorch model's state_dict into a composed model, by PyTorch's names.</summary>
public class TorchModelWeightsTests
{
    private static SeqGen.Models.SequenceModel<double> Model(int seed, int inputs = 5, int hidden = 7) => new(
        new SeqGen.Modules.Embedding<double>(7, inputs, seed: seed),
        new RecurrentStack<double>((l, d, size) => new Lstm<double>(size, hidden, seed: seed + 10 * l + d), inputSize: inputs, layers: 2, bidirectional: true),
        SeqGen.Models.Readout.FinalStates, SeqGen.Models.Loss.SoftmaxCrossEntropy,
        new SeqGen.Modules.Linear<double>(2 * hidden, 4, seed: seed + 1), new SeqGen.Modules.Activation<double>(SeqGen.Modules.ActivationFunction.Tanh, 4), new SeqGen.Modules.Linear<double>(4, 3, seed: seed + 2));

    [Fact]
    public void ExportedModel_HasPyTorchsNames_AndImportsBackIntoAFreshModel()
    {
        var model = Model(1);
        var tensors = TorchWeights.Export(model, TorchModule.Lstm);
        var names = new System.Collections.Generic.Dictionary<string, SafeTensor>();
        foreach (SafeTensor tensor in tensors)
            names.Add(tensor.Name, tensor);
        Assert.Equal(new[] { 7, 5 }, names["embedding.weight"].Shape);
        Assert.Equal(new[] { 28, 14 }, names["encoder.weight_ih_l1_reverse"].Shape);
        Assert.Equal(new[] { 28 }, names["encoder.bias_hh_l0"].Shape);
        Assert.Equal(new[] { 4, 14 }, names["head.0.weight"].Shape);
        Assert.Equal(new[] { 3 }, names["head.2.bias"].Shape);
        Assert.Equal(1 + 16 + 4, names.Count);

        var restored = Model(50);
        TorchWeights.Import(restored, TorchModule.Lstm, names);
        var ws = model.CreateWorkspace(4, 2);
        var other = restored.CreateWorkspace(4, 2);
        var sequences = new System.Collections.Generic.List<int[]> { new[] { 1, 2, 3 }, new[] { 6, 0 } };
        ws.Load(sequences, new[] { 0, 2 });
        other.Load(sequences, new[] { 0, 2 });
        Assert.Equal(model.Predict(ws).ToArray(), restored.Predict(other).ToArray());
    }

    [Fact]
    public void PyTorchsNnLstmFixture_LoadsAsTheEncoderOfAModel()
    {
        // The fixture is a real nn.LSTM(4, 3, num_layers=2, bidirectional=True); inside a model it is "encoder.*".
        var fixture = TorchParityTests.Fixture("lstm_2layer_bidir", "f64");
        var model = Model(3, inputs: 4, hidden: 3);
        var tensors = new System.Collections.Generic.Dictionary<string, SafeTensor>();
        foreach (SafeTensor tensor in TorchWeights.Export(model, TorchModule.Lstm))
            tensors[tensor.Name] = tensor;
        foreach (var (name, tensor) in fixture)
        {
            if (name.StartsWith("weight_", StringComparison.Ordinal) || name.StartsWith("bias_", StringComparison.Ordinal))
                tensors["encoder." + name] = tensor;
        }
        TorchWeights.Import(model, TorchModule.Lstm, tensors);
        var direct = new RecurrentStack<double>((l, d, size) => new Lstm<double>(size, 3), inputSize: 4, layers: 2, bidirectional: true);
        TorchWeights.Import(direct, TorchModule.Lstm, fixture);
        for (int l = 0; l < 2; l++)
            for (int d = 0; d < 2; d++)
                Assert.Equal(direct.Cell(l, d).Parameters, model.Encoder.Cell(l, d).Parameters);
    }

    [Fact]
    public void MismatchedStateDict_ListsEveryProblem_AndLoadsNothing()
    {
        var model = Model(1);
        var tensors = new System.Collections.Generic.Dictionary<string, SafeTensor>();
        foreach (SafeTensor tensor in TorchWeights.Export(model, TorchModule.Lstm))
            tensors[tensor.Name] = tensor;
        tensors.Remove("head.2.weight");
        tensors["head.0.bias"] = new SafeTensor("head.0.bias", "", new[] { 5 }, new double[5]);
        tensors["decoder.weight"] = new SafeTensor("decoder.weight", "", new[] { 1 }, new double[1]);
        var target = Model(9);
        double[] before = (double[])target.Embedding!.Parameters.Clone();
        var error = Assert.Throws<InvalidDataException>(() => TorchWeights.Import(target, TorchModule.Lstm, tensors));
        Assert.Contains("missing tensor 'head.2.weight' of shape [3, 4]", error.Message);
        Assert.Contains("tensor 'head.0.bias' has shape [5], expected [4]", error.Message);
        Assert.Contains("unexpected tensor 'decoder.weight'", error.Message);
        Assert.Equal(before, target.Embedding.Parameters);
    }
}
