using System.ComponentModel;
using SeqGen.Numerics;

namespace SeqGen.CompilerServices;

/// <summary>
/// Elementwise work of one step that can be split by columns: every element of a column range is
/// computed independently of the others, and each column's parameter gradients are written by
/// one range only. Generated cells implement it on their workspace, one run per fused loop.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IColumnTask
{
    /// <summary>Runs fused loop <paramref name="run"/> of step <paramref name="step"/> over columns [from, to).</summary>
    void RunColumns(int run, int step, int from, int to);
}

/// <summary>Runs a step's fused loop on two threads, each taking half of the columns, when it is large enough.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParallelColumns
{
    /// <param name="task">The workspace whose loop this is.</param>
    /// <param name="run">Which fused loop.</param>
    /// <param name="step">The step (or level) it belongs to.</param>
    /// <param name="columns">The loop's row length.</param>
    /// <param name="rows">Rows in the batch (the loop's work is rows × columns).</param>
    /// <param name="alignment">The vector width: both halves start at a multiple of it.</param>
    public static void Run(IColumnTask task, int run, int step, int columns, int rows, int alignment)
    {
        System.ArgumentNullException.ThrowIfNull(task);
        if (alignment < 1)
            throw new System.ArgumentOutOfRangeException(nameof(alignment), alignment, "The alignment is a vector width: 1 or more.");
        if (columns < 0 || rows < 0)
            throw new System.ArgumentOutOfRangeException(columns < 0 ? nameof(columns) : nameof(rows), $"Sizes must not be negative: columns={columns}, rows={rows}.");
        if (!GemmThreads.TryParallelColumns(task, run, step, columns, rows, alignment))
            task.RunColumns(run, step, 0, columns);
    }
}
