using System.ComponentModel;
using SeqGen.Numerics;

namespace SeqGen.CompilerServices;

/// <summary>
/// Elementwise work of one step that can be split into blocks: every element is computed
/// independently of the others, and a block that starts past row 0 adds its parameter gradients
/// to the workspace's second-half buffer. Generated cells implement it on their workspace, one
/// run per fused loop.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IColumnTask
{
    /// <summary>
    /// Runs fused loop <paramref name="run"/> of step <paramref name="step"/> over rows
    /// [<paramref name="firstRow"/>, <paramref name="lastRow"/>) and columns [<paramref name="from"/>, <paramref name="to"/>).
    /// </summary>
    void RunBlock(int run, int step, int firstRow, int lastRow, int from, int to);
}

/// <summary>Runs a step's fused loop on two threads, each taking parts of the rows (or, for a single row, half of the columns), when it is large enough.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParallelColumns
{
    /// <param name="task">The workspace whose loop this is.</param>
    /// <param name="run">Which fused loop.</param>
    /// <param name="step">The step (or level) it belongs to.</param>
    /// <param name="columns">The loop's row length.</param>
    /// <param name="rows">Rows in the batch (the loop's work is rows × columns).</param>
    /// <param name="alignment">The vector width: column halves start at a multiple of it.</param>
    /// <param name="secondHalfGradients">
    /// The loop adds to parameter gradients, which all rows share. With two rows or more it then
    /// runs as exactly two blocks, rows [0, rows/2) and [rows/2, rows), on one thread or two, and
    /// the block of the second half adds to a buffer of its own, which the caller adds in with
    /// <see cref="AddSecondHalf{T}"/>: the sums are the same whatever the thread count. Rows
    /// are split rather than columns because .NET arrays do not start on a cache line: column
    /// halves would share a line in every row.
    /// </param>
    public static void Run(IColumnTask task, int run, int step, int columns, int rows, int alignment, bool secondHalfGradients)
    {
        System.ArgumentNullException.ThrowIfNull(task);
        if (alignment < 1)
            throw new System.ArgumentOutOfRangeException(nameof(alignment), alignment, "The alignment is a vector width: 1 or more.");
        if (columns < 0 || rows < 0)
            throw new System.ArgumentOutOfRangeException(columns < 0 ? nameof(columns) : nameof(rows), $"Sizes must not be negative: columns={columns}, rows={rows}.");
        bool halves = secondHalfGradients && rows >= 2;
        if (GemmThreads.TryParallelColumns(task, run, step, columns, rows, alignment, halves))
            return;
        if (halves)
        {
            task.RunBlock(run, step, 0, rows / 2, 0, columns);
            task.RunBlock(run, step, rows / 2, rows, 0, columns);
        }
        else
        {
            task.RunBlock(run, step, 0, rows, 0, columns);
        }
    }

    /// <summary>gradients += secondHalf, then clears secondHalf (of equal lengths).</summary>
    public static void AddSecondHalf<T>(System.Span<T> gradients, System.Span<T> secondHalf)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (secondHalf.Length != gradients.Length)
            throw new System.ArgumentException($"secondHalf has {secondHalf.Length} elements; gradients has {gradients.Length}.", nameof(secondHalf));
        Gemm.AddScaled<T>(gradients, T.One, secondHalf);
        secondHalf.Clear();
    }
}
