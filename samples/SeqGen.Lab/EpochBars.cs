using System;
using Spectre.Console;

namespace SeqGen.Lab;

/// <summary>
/// Epoch-by-epoch progress: on a terminal a bar per epoch that fills batch by batch and then shows
/// the epoch's summary; on a pipe (CI, a log file) the summary lines only.
/// </summary>
internal static class EpochBars
{
    /// <param name="name">What is trained, shown before each epoch's number.</param>
    /// <param name="epochs">Epochs to run.</param>
    /// <param name="batches">Batches per epoch (the bar's length).</param>
    /// <param name="epoch">Runs epoch e (from 1), calling its argument with the batches done, and returns the summary line.</param>
    public static void Run(string name, int epochs, int batches, Func<int, Action<int>, string> epoch)
    {
        if (Console.IsOutputRedirected)
        {
            for (int e = 1; e <= epochs; e++)
                Console.WriteLine(epoch(e, _ => { }));
            return;
        }
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                for (int e = 1; e <= epochs; e++)
                {
                    ProgressTask bar = context.AddTask(Markup.Escape($"{name} epoch {e}"), maxValue: Math.Max(1, batches));
                    string line = epoch(e, done => bar.Value = done);
                    bar.Value = bar.MaxValue;
                    bar.Description = Markup.Escape(line);
                }
            });
    }
}
