using System.ComponentModel;
using SeqGen.Numerics;

namespace SeqGen.CompilerServices;

/// <summary>
/// Elementwise work of one step that can be split in two: every element is computed
/// independently of the others, and each column's parameter gradients are written by one range
/// of columns only. Generated cells implement it on their workspace, one run per fused loop.
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

/// <summary>Runs a step's fused loop on two threads, each taking half of the rows or half of the columns, when it is large enough.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParallelColumns
{
    /// <param name="task">The workspace whose loop this is.</param>
    /// <param name="run">Which fused loop.</param>
    /// <param name="step">The step (or level) it belongs to.</param>
    /// <param name="columns">The loop's row length.</param>
    /// <param name="rows">Rows in the batch (the loop's work is rows × columns).</param>
    /// <param name="alignment">The vector width: column halves start at a multiple of it.</param>
    /// <param name="rowsIndependent">
    /// No element writes anything shared by the rows (no parameter gradient): a forward loop. The
    /// threads then take halves of the rows, whose edge shares at most one cache line per array,
    /// instead of halves of every row, whose edges share a line in every row (buffers are not
    /// aligned to cache lines).
    /// </param>
    public static void Run(IColumnTask task, int run, int step, int columns, int rows, int alignment, bool rowsIndependent)
    {
        System.ArgumentNullException.ThrowIfNull(task);
        if (alignment < 1)
            throw new System.ArgumentOutOfRangeException(nameof(alignment), alignment, "The alignment is a vector width: 1 or more.");
        if (columns < 0 || rows < 0)
            throw new System.ArgumentOutOfRangeException(columns < 0 ? nameof(columns) : nameof(rows), $"Sizes must not be negative: columns={columns}, rows={rows}.");
        if (!GemmThreads.TryParallelColumns(task, run, step, columns, rows, alignment, rowsIndependent))
            task.RunBlock(run, step, 0, rows, 0, columns);
    }
}
