using System;
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
    [InlineData("{\"a\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "only F32 and F64")]
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
