using System;

namespace SeqGen.Numerics;

/// <summary>
/// A small, fast, seeded random source (SplitMix64), so initialisation and dropout reproduce
/// exactly from a seed on every machine and in both precisions.
/// </summary>
public sealed class SeededRandom
{
    private ulong _state;

    /// <summary>A source whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public SeededRandom(long seed) => _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);

    /// <summary>The generator's whole state, for checkpoints.</summary>
    public ulong State
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number drawn from U(low, high).</summary>
    public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Normal by the Box–Muller transform.</summary>
    public double NextNormal(double mean, double std)
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
