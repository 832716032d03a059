using System;
using System.ComponentModel;
using System.Numerics;

namespace SeqGen.CompilerServices;

/// <summary>
/// The weights W [outputs × inputs] of a product a pass repeats at every step — y = x·Wᵀ forward,
/// dx += dy·W backward — laid out once per pass in the form the fastest kernel for the batch
/// reads. The runtime decides the strategy (packed for the GEMM micro-kernel from
/// <see cref="PackFromRows"/> rows, transposed for a row-vector product below while it fits in
/// L2, as stored beyond), so generated code
/// only says when a pass starts and which product it runs. Unprepared (a stream's step), the
/// products read the weights as they are.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PreparedWeights<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>From this many rows a pass packs its weights (measured faster from 4 rows, packing included).</summary>
    public const int PackFromRows = 4;

    private enum Layout
    {
        AsStored,
        PackedForward,
        TransposedForward,
        PackedBackward,
    }

    private readonly T[] _storage;
    private readonly int _length;
    private readonly int _outputs, _inputs;
    private Layout _layout;

    // Starts on a cache line, so that the kernels' loads of it never straddle two.
    private Span<T> Buffer => Numerics.AlignedBuffer.Lined(_storage, _length);

    /// <summary>Room for every layout of an [<paramref name="outputs"/> × <paramref name="inputs"/>] matrix.</summary>
    public PreparedWeights(int outputs, int inputs)
    {
        _outputs = outputs;
        _inputs = inputs;
        _length = Math.Max(Math.Max(Numerics.Gemm.PackedLength<T>(inputs, outputs), Numerics.Gemm.PackedLength<T>(outputs, inputs)), outputs * inputs);
        _storage = Numerics.AlignedBuffer.Allocate<T>(_length);
    }

    /// <summary>Lays the weights out for the forward products of a pass over <paramref name="rows"/> rows per step.</summary>
    public void PrepareForward(ReadOnlySpan<T> weights, int rows)
    {
        if (rows >= PackFromRows)
        {
            Numerics.Gemm.Pack<T>(true, _inputs, _outputs, weights, _inputs, Buffer);
            _layout = Layout.PackedForward;
        }
        else if (Numerics.DirectGemm.FitsRowBlocks<T>(_inputs, _outputs))
        {
            // A few rows: each step is a row vector times Wᵀ, whose column blocks beat dot
            // products of W's rows while Wᵀ sits in L2 (95–110 GB/s against 70–75).
            Numerics.Gemm.Transpose<T>(weights, _outputs, _inputs, Buffer);
            _layout = Layout.TransposedForward;
        }
        else
        {
            // Out of L2 both read at the rate of L3 or memory (measured on Zen 4: 4 MB 59–66 GB/s
            // as stored, 62–71 transposed; 16 MB 29–40 against 35–38), and the transpose itself
            // costs as much as ten steps' products: W is read as stored.
            _layout = Layout.AsStored;
        }
    }

    /// <summary>Lays the weights out for the backward products of a pass over <paramref name="rows"/> rows per step.</summary>
    public void PrepareBackward(ReadOnlySpan<T> weights, int rows)
    {
        if (rows >= PackFromRows)
        {
            Numerics.Gemm.Pack<T>(false, _outputs, _inputs, weights, _inputs, Buffer);
            _layout = Layout.PackedBackward;
        }
        else
        {
            // dy·W with W as stored is already the row-vector form.
            _layout = Layout.AsStored;
        }
    }

    /// <summary>y [rows × outputs] (leading dimension <paramref name="ldy"/>) = x · Wᵀ, overwritten.</summary>
    public void Forward(int rows, ReadOnlySpan<T> x, int ldx, ReadOnlySpan<T> weights, Span<T> y, int ldy)
    {
        switch (_layout)
        {
            case Layout.PackedForward:
                Numerics.Gemm.MultiplyPacked<T>(rows, _outputs, _inputs, x, ldx, Buffer, y, ldy, false);
                break;
            case Layout.TransposedForward:
                Numerics.Gemm.Compute<T>(false, false, rows, _outputs, _inputs, x, ldx, Buffer, _outputs, y, ldy, false);
                break;
            default:
                Numerics.Gemm.Compute<T>(false, true, rows, _outputs, _inputs, x, ldx, weights, _inputs, y, ldy, false);
                break;
        }
    }

    /// <summary>
    /// y = x · Wᵀ + u · Vᵀ, overwritten, from both matrices as stored (V [outputs ×
    /// <paramref name="uColumns"/>] is an input's weights): a stream's step, which never lays its
    /// weights out, and whose gates read only the sum of the two products, computes it in one pass
    /// over both matrices (see Gemm.ComputeSumOfTransposed).
    /// </summary>
    public void ForwardSum(int rows, ReadOnlySpan<T> x, int ldx, ReadOnlySpan<T> weights,
        int uColumns, ReadOnlySpan<T> u, ReadOnlySpan<T> uWeights, Span<T> y, int ldy) =>
        Numerics.Gemm.ComputeSumOfTransposed<T>(rows, _outputs, _inputs, x, ldx, weights, _inputs, uColumns, u, uColumns, uWeights, uColumns, y, ldy);

    /// <summary>dx [rows × inputs] (leading dimension <paramref name="lddx"/>) += dy · W.</summary>
    public void Backward(int rows, ReadOnlySpan<T> dy, int lddy, ReadOnlySpan<T> weights, Span<T> dx, int lddx)
    {
        if (_layout == Layout.PackedBackward)
            Numerics.Gemm.MultiplyPacked<T>(rows, _inputs, _outputs, dy, lddy, Buffer, dx, lddx, true);
        else
            Numerics.Gemm.Compute<T>(false, false, rows, _inputs, _outputs, dy, lddy, weights, _inputs, dx, lddx, true);
    }
}
