using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Half-precision safetensors, and NaN and infinity never passing silently through loading, saving or a training step.</summary>
public class NonFiniteAndHalfTests
{
    private static byte[] File16(string dtype, ushort[] bits)
    {
        string header = $"{{\"t\":{{\"dtype\":\"{dtype}\",\"shape\":[{bits.Length}],\"data_offsets\":[0,{2 * bits.Length}]}}}}";
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + 2 * bits.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        for (int i = 0; i < bits.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8 + json.Length + 2 * i), bits[i]);
        return file;
    }

    [Fact]
    public void Float16AndBFloat16_WidenExactly()
    {
        // IEEE half: 1.5, −2, 65504 (the largest), 2⁻²⁴ (the smallest subnormal), −0.
        double[] half = SafeTensors.Read(File16("F16", [0x3E00, 0xC000, 0x7BFF, 0x0001, 0x8000]))["t"].Values;
        Assert.Equal([1.5, -2, 65504, Math.Pow(2, -24), -0.0], half);
        Assert.True(double.IsNegative(half[4]));
        // bfloat16: the top half of a float32 — 1, −0.5, 3.140625, 2¹²⁷·(1 + 127/128).
        double[] brain = SafeTensors.Read(File16("BF16", [0x3F80, 0xBF00, 0x4049, 0x7F7F]))["t"].Values;
        Assert.Equal([1, -0.5, 3.140625, (double)BitConverter.Int32BitsToSingle(0x7F7F0000)], brain);
        Assert.Equal("BF16", SafeTensors.Read(File16("BF16", [0x3F80]))["t"].DType);
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void HalfPrecisionWeights_RoundToNearest_AndLoadIntoAFloat32Model(string dtype)
    {
        var gru = new Gru(3, 4, seed: 5);
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            Weights.Save(path, gru, dtype: dtype);
            Assert.Equal(8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path)) + 2 * gru.Parameters.Length, (int)new FileInfo(path).Length);
            var copy = new Gru(3, 4, seed: 9);
            Weights.Load(path, copy);
            for (int i = 0; i < gru.Parameters.Length; i++)
            {
                float expected = dtype == "F16" ? (float)(Half)gru.Parameters[i] : BitConverter.Int32BitsToSingle(SafeTensors.ToBFloat16(gru.Parameters[i]) << 16);
                Assert.Equal(expected, copy.Parameters[i]);
                // Within half a unit in the last place of the 11- or 8-bit significand.
                Assert.True(Math.Abs(copy.Parameters[i] - gru.Parameters[i]) <= Math.Abs(gru.Parameters[i]) * (dtype == "F16" ? Math.Pow(2, -11) : Math.Pow(2, -8)) + 1e-7);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BFloat16Rounding_IsToNearestWithTiesToEven()
    {
        // 1 + 2⁻⁸ lies halfway between 1 and 1 + 2⁻⁷: the tie goes to the even 1.
        Assert.Equal(0x3F80, SafeTensors.ToBFloat16(1 + MathF.Pow(2, -8)));
        // 1 + 3·2⁻⁸ lies halfway between 1 + 2⁻⁷ (odd) and 1 + 2⁻⁶ (even).
        Assert.Equal(0x3F82, SafeTensors.ToBFloat16(1 + 3 * MathF.Pow(2, -8)));
        // Just above a tie rounds up: 1 + 2⁻⁸ + 2⁻²³.
        Assert.Equal(0x3F81, SafeTensors.ToBFloat16(BitConverter.Int32BitsToSingle(0x3F808001)));
        Assert.True(float.IsNaN(BitConverter.Int32BitsToSingle(SafeTensors.ToBFloat16(float.NaN) << 16)));
    }

    [Fact]
    public void LoadingNaNOrInfinity_IsAnErrorNamingTheTensor_UnlessAllowed()
    {
        var gru = new Gru(3, 4, seed: 5);
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            gru.Parameter("U_z")[2] = float.NaN;
            gru.Parameter("b_hn")[0] = float.PositiveInfinity;
            Weights.Save(path, gru, allowNonFinite: true);
            var target = new Gru(3, 4, seed: 9);
            float[] before = (float[])target.Parameters.Clone();
            var error = Assert.Throws<InvalidDataException>(() => Weights.Load(path, target));
            Assert.Contains("non-finite", error.Message);
            Assert.Contains("pass allowNonFinite", error.Message);
            Assert.Equal(before, target.Parameters);
            Weights.Load(path, target, allowNonFinite: true);
            Assert.True(float.IsNaN(target.Parameter("U_z")[2]));
            Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
            Assert.Contains("is NaN", Assert.Throws<InvalidDataException>(() => TorchWeights.Import(new SeqGen.Runners.RecurrentStack<float>((l, d, s) => new Gru(s, 4), 3, 1), TorchModule.Gru, path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SavingNaN_IsRefused_AndThePreviousFileStays()
    {
        var gru = new Gru(3, 4, seed: 5);
        var adam = new Adam<float>(gru, 0.01);
        string weights = Path.Combine(Path.GetTempPath(), $"seqgen-{Guid.NewGuid():N}.safetensors");
        string checkpoint = Path.Combine(Path.GetTempPath(), $"seqgen-{Guid.NewGuid():N}.ckpt");
        try
        {
            Weights.Save(weights, gru);
            Checkpoint.Save(checkpoint, gru, adam, step: 3);
            byte[] savedWeights = File.ReadAllBytes(weights), savedCheckpoint = File.ReadAllBytes(checkpoint);
            gru.Parameter("W_r")[0] = float.NegativeInfinity;
            Assert.Contains("W_r", Assert.Throws<ArgumentException>(() => Weights.Save(weights, gru)).Message);
            Assert.Contains("model.W_r", Assert.Throws<ArgumentException>(() => Checkpoint.Save(checkpoint, gru, adam, step: 4)).Message);
            Assert.Equal(savedWeights, File.ReadAllBytes(weights));
            Assert.Equal(savedCheckpoint, File.ReadAllBytes(checkpoint));
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(weights)}.*.tmp"));
            Checkpoint.Save(checkpoint, gru, adam, step: 4, allowNonFinite: true);
            Assert.Throws<InvalidDataException>(() => Checkpoint.Load(checkpoint, new Gru(3, 4), new Adam<float>(new Gru(3, 4), 0.01)));
        }
        finally
        {
            File.Delete(weights);
            File.Delete(checkpoint);
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ANonFiniteGradient_ChangesNothing_AndThrowsOrIsSkipped(float bad)
    {
        var cell = new Lstm(2, 3, seed: 1);
        var adam = new Adam<float>(cell, 0.01);
        cell.Gradients.AsSpan().Fill(0.5f);
        adam.Step();
        float[] parameters = (float[])cell.Parameters.Clone();
        var optimizerFile = Path.Combine(Path.GetTempPath(), $"seqgen-{Guid.NewGuid():N}.ckpt");
        try
        {
            Checkpoint.Save(optimizerFile, cell, adam, step: 1);
            byte[] state = File.ReadAllBytes(optimizerFile);
            cell.NamedParameter("W_i").Gradient[1] = bad;
            var error = Assert.Throws<NonFiniteGradientException>(() => adam.Step());
            Assert.Equal(2, error.Step);
            Assert.Contains("Training step 2: the gradient of 'W_i' is not finite", error.Message);
            Assert.Equal(parameters, cell.Parameters);
            Assert.Equal(1, adam.StepCount);
            adam.NonFinite = NonFiniteHandling.Skip;
            Assert.False(adam.Step());
            Assert.False(adam.Step());
            Assert.Equal(2, adam.SkippedSteps);
            Assert.Equal(parameters, cell.Parameters);
            // The moments are untouched too: the saved state is byte for byte the one before.
            Checkpoint.Save(optimizerFile, cell, adam, step: 1);
            Assert.Equal(state, File.ReadAllBytes(optimizerFile));
            cell.NamedParameter("W_i").Gradient[1] = 0.5f;
            Assert.False(adam.Step(double.NaN));
            Assert.True(adam.Step(0.25));
            Assert.Equal(2, adam.StepCount);
            adam.NonFinite = NonFiniteHandling.Throw;
            Assert.Contains("the loss is Infinity", Assert.Throws<NonFiniteGradientException>(() => adam.Step(double.PositiveInfinity)).Message);
        }
        finally
        {
            File.Delete(optimizerFile);
        }
    }
}
