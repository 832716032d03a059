using System;
using System.Collections.Generic;
using SeqGen.Model;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Lab;

/// <summary>The tree tasks' training epoch: shuffled batches, trees built by the builder when there is one, clipping at norm 5.</summary>
internal static class TreeTraining
{
    // One epoch over order (shuffled in place), returning the mean training loss. The builder, when
    // there is one, builds each batch's trees; trainBuilder false keeps its initial query (a control).
    public static double Epoch(TreeRunner<float> runner, EasyFirstTreeBuilder<float>? builder, bool trainBuilder, Module<float> model, Optimizer<float> optimizer,
        TreeWorkspace<float> ws, List<Tree> order, int batchSize, Random random, Action<int> progress)
    {
        for (int i = order.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        model.Train();
        builder?.Train();
        double loss = 0;
        int batches = (order.Count + batchSize - 1) / batchSize;
        for (int b = 0; b < batches; b++)
        {
            IReadOnlyList<Tree> batch = order.GetRange(b * batchSize, Math.Min(batchSize, order.Count - b * batchSize));
            if (builder is not null)
                batch = builder.Build(batch);
            loss += double.CreateChecked(runner.Forward(ws, batch));
            model.ZeroGradients();
            runner.Backward(ws);
            if (trainBuilder)
                builder!.Backward(ws);
            GradientClipping.ByGlobalNorm(model, 5);
            optimizer.Step();
            progress(b + 1);
        }
        model.Eval();
        builder?.Eval();
        return loss / batches;
    }
}
