using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.IO;

/// <summary>
/// Saves and restores a training run: every module's parameters, the optimizer's state and step
/// count, the random source and the training step, in one safetensors file written atomically.
/// Loading checks the whole file against the run before changing anything, so a mismatch never
/// leaves a half-loaded model; a resumed run continues exactly as an uninterrupted one.
/// </summary>
public static class Checkpoint
{
    public static void Save<T>(string path, IReadOnlyList<IParameterized<T>> modules, Optimizer<T>? optimizer = null,
        SeededRandom? random = null, long step = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(modules);
        var tensors = new List<SafeTensor>();
        for (int m = 0; m < modules.Count; m++)
            tensors.Add(Tensor($"module{m}", modules[m].Parameters));
        var metadata = new Dictionary<string, string>
        {
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["precision"] = typeof(T) == typeof(float) ? "F32" : "F64",
        };
        if (optimizer is not null)
        {
            metadata["optimizer"] = optimizer.GetType().Name;
            metadata["optimizer.steps"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
            foreach (var buffer in optimizer.StateBuffers)
            {
                for (int m = 0; m < buffer.Value.Length; m++)
                    tensors.Add(Tensor($"optimizer.{buffer.Key}.{m}", buffer.Value[m]));
            }
        }
        if (random is not null)
            metadata["random.state"] = random.State.ToString(CultureInfo.InvariantCulture);
        // In the run's own precision, so restoring is exact.
        SafeTensors.Write(path, tensors, asFloat32: typeof(T) == typeof(float), metadata);
    }

    /// <summary>Restores a run saved by <see cref="Save{T}"/>; returns the saved training step.</summary>
    public static long Load<T>(string path, IReadOnlyList<IParameterized<T>> modules, Optimizer<T>? optimizer = null, SeededRandom? random = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(modules);
        var tensors = SafeTensors.Read(File.ReadAllBytes(path), path, out IReadOnlyDictionary<string, string> metadata);
        var problems = new List<string>();
        var assignments = new List<(double[] From, T[] To)>();
        for (int m = 0; m < modules.Count; m++)
            Plan(tensors, $"module{m}", modules[m].Parameters, problems, assignments);
        long optimizerSteps = 0;
        if (optimizer is not null)
        {
            if (!metadata.TryGetValue("optimizer", out string? type) || type != optimizer.GetType().Name)
                problems.Add($"the checkpoint holds {(type is null ? "no optimizer" : "a " + type)}, not a {optimizer.GetType().Name}");
            else if (!long.TryParse(metadata.GetValueOrDefault("optimizer.steps"), NumberStyles.None, CultureInfo.InvariantCulture, out optimizerSteps))
                problems.Add("the optimizer's step count is missing");
            foreach (var buffer in optimizer.StateBuffers)
            {
                for (int m = 0; m < buffer.Value.Length; m++)
                    Plan(tensors, $"optimizer.{buffer.Key}.{m}", buffer.Value[m], problems, assignments);
            }
        }
        ulong randomState = 0;
        if (random is not null && !ulong.TryParse(metadata.GetValueOrDefault("random.state"), NumberStyles.None, CultureInfo.InvariantCulture, out randomState))
            problems.Add("the random source's state is missing");
        if (!long.TryParse(metadata.GetValueOrDefault("step"), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            problems.Add("the training step is missing");
        if (problems.Count > 0)
            throw new InvalidDataException($"{path} does not fit this run: {string.Join("; ", problems)}.");

        foreach (var (from, to) in assignments)
        {
            for (int i = 0; i < to.Length; i++)
                to[i] = T.CreateChecked(from[i]);
        }
        if (optimizer is not null)
            optimizer.StepCount = optimizerSteps;
        if (random is not null)
            random.State = randomState;
        return step;
    }

    private static SafeTensor Tensor<T>(string name, T[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wide = new double[values.Length];
        for (int i = 0; i < wide.Length; i++)
            wide[i] = double.CreateChecked(values[i]);
        return new SafeTensor(name, "", new[] { values.Length }, wide);
    }

    private static void Plan<T>(IReadOnlyDictionary<string, SafeTensor> tensors, string name, T[] target, List<string> problems, List<(double[], T[])> assignments)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!tensors.TryGetValue(name, out SafeTensor? tensor))
            problems.Add($"'{name}' is missing");
        else if (tensor.Values.Length != target.Length)
            problems.Add($"'{name}' has {tensor.Values.Length} values, the run has {target.Length}");
        else
            assignments.Add((tensor.Values, target));
    }
}
