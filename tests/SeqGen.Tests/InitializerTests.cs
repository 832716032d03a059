using System;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Runners;

namespace SeqGen.Tests;

/// <summary>Chrono initialisation over named parameters.</summary>
public class InitializerTests
{
    [Fact]
    public void Chrono_DrawsForgetBiasesFromLogUniform_AndSetsInputBiasesOpposite_InEveryLayer()
    {
        var stack = new RecurrentStack<float>((layer, direction, input) => new Lstm(input, 64, seed: layer), inputSize: 3, layers: 2);
        var model = new ModuleDict<float> { ["encoder"] = stack, ["head"] = new Linear<float>(64, 2, seed: 1) };
        int initialised = Initializers.Chrono(model, 100, new SeededRandom(5));
        Assert.Equal(2, initialised);
        int forgetBiases = 0;
        foreach (var parameter in model.NamedParameters())
        {
            if (!parameter.Name.EndsWith(".b_f", StringComparison.Ordinal))
                continue;
            forgetBiases++;
            Span<float> f = parameter.Value, i = model.NamedParameter(parameter.Name[..^3] + "b_i").Value;
            double mean = 0;
            for (int j = 0; j < f.Length; j++)
            {
                Assert.InRange(f[j], 0f, (float)Math.Log(99));
                Assert.Equal(-f[j], i[j]);
                mean += f[j] / f.Length;
            }
            // E[log U] over (1, 99) is (99 ln 99 − 98) / 98 − 0 ≈ 3.64; far from the default bias of 1.
            Assert.InRange(mean, 3.0, 4.2);
        }
        Assert.Equal(2, forgetBiases);
    }

    [Fact]
    public void Chrono_NamesWhatIsMissing()
    {
        var elman = new ElmanRnn(3, 4, seed: 1);
        var missing = Assert.Throws<ArgumentException>(() => Initializers.Chrono(elman, 50, new SeededRandom(1)));
        Assert.Contains("no module of this ElmanRnn has a parameter named 'b_f'", missing.Message, StringComparison.OrdinalIgnoreCase);
        var coupled = new CoupledLstm(3, 4, seed: 1);
        Assert.Throws<ArgumentException>(() => Initializers.Chrono(coupled, 50, new SeededRandom(1)));
        Assert.Equal(1, Initializers.Chrono(coupled, 50, new SeededRandom(1), inputBias: null));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.Chrono(coupled, 2, new SeededRandom(1), inputBias: null));
        var gru = new Gru(3, 4, seed: 1);
        Assert.Equal(1, Initializers.Chrono(gru, 50, new SeededRandom(1), forgetBias: "b_iz", inputBias: null));
        Assert.All(gru.Parameter("b_iz").ToArray(), b => Assert.InRange(b, 0f, (float)Math.Log(49)));
    }
}
