using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Training;

namespace SeqGen.Models;

// Decoding a Seq2Seq: the decoder runs as a stream (its states in the stream, so beams can be
// reordered), each step exactly as in training: attention from the previous state, the cell, the
// output layer over [s; c].
internal static class Search
{
    public static List<int[]> Greedy<T>(Seq2Seq<T> model, Seq2SeqWorkspace<T> workspace, IReadOnlyList<int[]> sources, int maxLength)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        RequireLength(workspace, maxLength);
        int batch = workspace.Batch, vocabulary = model.Output.Outputs;
        StreamState<T> stream = workspace.BeginDecoding(sources);
        var previous = new int[batch];
        Array.Fill(previous, model.BeginToken);
        var tokens = new List<int>[sources.Count];
        var done = new bool[batch];
        for (int b = 0; b < sources.Count; b++)
            tokens[b] = new List<int>();
        for (int b = sources.Count; b < batch; b++)
            done[b] = true;
        var logits = new T[batch * vocabulary];
        for (int step = 0; step <= maxLength && Array.IndexOf(done, false) >= 0; step++)
        {
            workspace.DecodeStream(stream, step, previous, logits);
            for (int b = 0; b < sources.Count; b++)
            {
                int next = Metrics.ArgMax<T>(logits.AsSpan(b * vocabulary, vocabulary));
                previous[b] = next;
                if (done[b])
                    continue;
                if (next == model.EndToken || step == maxLength)
                    done[b] = true;
                else
                    tokens[b].Add(next);
            }
        }
        var result = new List<int[]>(sources.Count);
        foreach (List<int> sentence in tokens)
            result.Add(sentence.ToArray());
        return result;
    }

    public static List<int[]> Beam<T>(Seq2Seq<T> model, IReadOnlyList<int[]> sources, int beamWidth, int maxLength, double lengthPenalty)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (beamWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(beamWidth), beamWidth, "beamWidth must be at least 1.");
        if (maxLength < 1)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "maxLength must be at least 1.");
        if (!(lengthPenalty >= 0))
            throw new ArgumentOutOfRangeException(nameof(lengthPenalty), lengthPenalty, "lengthPenalty must be a non-negative number.");
        int longest = 1;
        foreach (int[] source in sources)
            longest = Math.Max(longest, source?.Length ?? 1);
        int k = beamWidth, vocabulary = model.Output.Outputs;
        Seq2SeqWorkspace<T> workspace = model.CreateWorkspace(longest, maxLength, k);
        var logits = new T[k * vocabulary];
        var candidates = new double[k * vocabulary];
        var order = new int[k * vocabulary];
        var scores = new double[k];
        var nextScores = new double[k];
        var parents = new int[k];
        var previous = new int[k];
        var histories = new int[k][];
        var nextHistories = new int[k][];
        var result = new List<int[]>(sources.Count);
        foreach (int[] source in sources)
        {
            var copies = new int[k][];
            Array.Fill(copies, source);
            StreamState<T> stream = workspace.BeginDecoding(copies);
            // One live hypothesis at first: the others would only repeat it.
            Array.Fill(scores, double.NegativeInfinity);
            scores[0] = 0;
            Array.Fill(previous, model.BeginToken);
            for (int b = 0; b < k; b++)
                histories[b] = Array.Empty<int>();
            var finished = new List<(double Score, int[] Tokens)>();
            for (int step = 0; step <= maxLength; step++)
            {
                workspace.DecodeStream(stream, step, previous, logits);
                for (int b = 0; b < k; b++)
                {
                    ReadOnlySpan<T> row = logits.AsSpan(b * vocabulary, vocabulary);
                    for (int v = 0; v < vocabulary; v++)
                    {
                        double total = scores[b] + Losses.LogSoftmaxAt(row, v);
                        // Sorted ascending, so negated; ties keep the lower index first.
                        candidates[b * vocabulary + v] = double.IsFinite(total) ? -total : double.PositiveInfinity;
                        order[b * vocabulary + v] = b * vocabulary + v;
                    }
                }
                Array.Sort(candidates, order);
                int live = 0;
                for (int i = 0; i < candidates.Length && live < k && double.IsFinite(candidates[i]); i++)
                {
                    int beam = order[i] / vocabulary, token = order[i] % vocabulary;
                    double score = -candidates[i];
                    if (token == model.EndToken || step == maxLength)
                    {
                        // An end among the k best finishes its hypothesis; below them it is not taken.
                        if (i < k)
                            finished.Add((score / Math.Pow(step + 1, lengthPenalty), token == model.EndToken ? histories[beam] : Append(histories[beam], token)));
                        continue;
                    }
                    parents[live] = beam;
                    nextScores[live] = score;
                    nextHistories[live] = Append(histories[beam], token);
                    previous[live] = token;
                    live++;
                }
                if (finished.Count >= k || live == 0 || step == maxLength)
                    break;
                for (int b = live; b < k; b++)
                {
                    parents[b] = parents[0];
                    nextScores[b] = double.NegativeInfinity;
                    nextHistories[b] = nextHistories[0];
                    previous[b] = previous[0];
                }
                workspace.ReorderStream(stream, parents);
                Array.Copy(nextScores, scores, k);
                Array.Copy(nextHistories, histories, k);
            }
            int best = 0;
            for (int i = 1; i < finished.Count; i++)
                best = finished[i].Score > finished[best].Score ? i : best;
            result.Add(finished.Count > 0 ? finished[best].Tokens : Array.Empty<int>());
        }
        return result;
    }

    private static int[] Append(int[] history, int token)
    {
        var longer = new int[history.Length + 1];
        history.CopyTo(longer, 0);
        longer[^1] = token;
        return longer;
    }

    private static void RequireLength<T>(Seq2SeqWorkspace<T> workspace, int maxLength) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (maxLength < 1 || maxLength + 1 > workspace.MaxSteps)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"maxLength must be from 1 to the workspace's target length {workspace.MaxSteps - 1}.");
    }
}
