using System;
using System.Collections.Generic;
using System.Diagnostics;
using SeqGen.Model;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Lab;

/// <summary>Where a tree task's training stands: epochs finished, batches done in the next, their loss, and the time spent.</summary>
internal class TreeEpochs
{
    public int Epoch { get; set; }
    public int Batch { get; set; }
    public double EpochLoss { get; set; }
    public double Seconds { get; set; }
}

/// <summary>The tree tasks' training: shuffled batches, trees built by the builder when there is one, clipping at norm 5; stoppable between batches and resumable exactly.</summary>
internal static class TreeTraining
{
    /// <summary>
    /// Trains <paramref name="epochs"/> epochs over <paramref name="order"/> (shuffled in place each
    /// epoch by <paramref name="random"/>); after each, <paramref name="afterEpoch"/> evaluates,
    /// records into the progress and returns the epoch's line. The builder, when there is one,
    /// builds each batch's trees; trainBuilder false keeps its initial query (a control). Returns
    /// the progress, or null when the resumption's token stopped the run (saved under
    /// <paramref name="key"/>: the checkpoint holds the builder's sampler, and the shuffles are
    /// replayed from the seed).
    /// </summary>
    public static TProgress? Run<TProgress>(string label, int epochs, TreeRunner<float> runner, EasyFirstTreeBuilder<float>? builder, bool trainBuilder,
        Module<float> model, Optimizer<float> optimizer, List<Tree> order, int batchSize, Random random,
        Resumption? resumption, string key, string options, Func<int, double, TProgress, string> afterEpoch)
        where TProgress : TreeEpochs, new()
    {
        var saved = SavedSteps<TProgress>.Restore(resumption, key, options, model, optimizer, builder?.Sampler);
        TProgress at = saved?.Progress ?? new TProgress();
        for (int e = 0; e < at.Epoch + (at.Batch > 0 ? 1 : 0); e++)
            Shuffle(order, random);
        int batches = (order.Count + batchSize - 1) / batchSize;
        var ws = runner.CreateWorkspace();
        var clock = Stopwatch.StartNew();
        void Save(bool done)
        {
            at.Seconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            SavedSteps<TProgress>.Save(resumption, key, options, model, optimizer, builder?.Sampler, (long)at.Epoch * batches + at.Batch, done, at);
        }
        try
        {
            EpochBars.Run(label, epochs, batches, (epoch, progress) =>
            {
                if (epoch <= at.Epoch)
                    return $"{label} epoch {epoch}: trained before the resume";
                if (at.Batch == 0)
                    Shuffle(order, random);
                model.Train();
                builder?.Train();
                for (; at.Batch < batches; at.Batch++)
                {
                    if (resumption is not null && resumption.StopBefore((long)at.Epoch * batches + at.Batch))
                    {
                        Save(done: false);
                        throw new RunStopped();
                    }
                    IReadOnlyList<Tree> batch = order.GetRange(at.Batch * batchSize, Math.Min(batchSize, order.Count - at.Batch * batchSize));
                    if (builder is not null)
                        batch = builder.Build(batch);
                    at.EpochLoss += double.CreateChecked(runner.Forward(ws, batch));
                    model.ZeroGradients();
                    runner.Backward(ws);
                    if (trainBuilder)
                        builder!.Backward(ws);
                    GradientClipping.ByGlobalNorm(model, 5);
                    optimizer.Step();
                    progress(at.Batch + 1);
                }
                model.Eval();
                builder?.Eval();
                double loss = at.EpochLoss / batches;
                (at.Epoch, at.Batch, at.EpochLoss) = (epoch, 0, 0);
                return afterEpoch(epoch, loss, at);
            });
        }
        catch (RunStopped)
        {
            return null;
        }
        Save(done: true);
        return at;
    }

    private static void Shuffle(List<Tree> order, Random random)
    {
        for (int i = order.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
