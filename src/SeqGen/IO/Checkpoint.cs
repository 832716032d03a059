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
/// Saves and restores a training run in one safetensors file written atomically: every parameter
/// of the model by its path and shape (<c>model.encoder.layer0.W_z</c>), the optimizer's state per
/// parameter (<c>optimizer.first_moment.encoder.layer0.W_z</c>) with its kind and step count, the
/// random source and the training step. Loading checks the whole file against the run first and
/// lists every wrong name and shape, so a mismatch never leaves a half-loaded model; a resumed
/// run continues exactly as an uninterrupted one.
/// </summary>
public static class Checkpoint
{
    private const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.";

    /// <summary>Writes the run to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write (replaced atomically).</param>
    /// <param name="model">The module tree whose parameters are saved.</param>
    /// <param name="optimizer">The optimizer whose state is saved, or null.</param>
    /// <param name="random">A random source whose state is saved, or null.</param>
    /// <param name="step">The training step, returned by <see cref="Load{T}"/>.</param>
    /// <param name="allowNonFinite">Write even when a parameter or optimizer state holds NaN or infinity (otherwise an <see cref="ArgumentException"/>, and the previous file stays).</param>
    public static void Save<T>(string path, Module<T> model, Optimizer<T>? optimizer = null, SeededRandom? random = null, long step = 0, bool allowNonFinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var slots = Slots(model, optimizer);
        var metadata = new Dictionary<string, string>
        {
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["precision"] = typeof(T) == typeof(float) ? "F32" : "F64",
        };
        if (optimizer is not null)
        {
            metadata["optimizer"] = optimizer.Kind;
            metadata["optimizer.steps"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
        }
        if (random is not null)
            metadata["random.state"] = random.State.ToString(CultureInfo.InvariantCulture);
        // In the run's own precision, so restoring is exact.
        SafeTensors.Write(path, TensorSlots.ToTensors(slots), asFloat32: typeof(T) == typeof(float), metadata, allowNonFinite);
    }

    /// <summary>
    /// Restores a run saved by <see cref="Save{T}"/> and returns its training step. Throws an
    /// <see cref="InvalidDataException"/> listing every problem (missing, unexpected or misshapen
    /// tensors, another optimizer, another precision, and unless <paramref name="allowNonFinite"/> a
    /// NaN or infinity) and changes nothing when there is one.
    /// </summary>
    public static long Load<T>(string path, Module<T> model, Optimizer<T>? optimizer = null, SeededRandom? random = null, bool allowNonFinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = SafeTensors.Read(File.ReadAllBytes(path), path, out IReadOnlyDictionary<string, string> metadata, allowNonFinite);
        var problems = new List<string>();
        string precision = typeof(T) == typeof(float) ? "F32" : "F64";
        if (metadata.TryGetValue("precision", out string? saved) && saved != precision)
            problems.Add($"the checkpoint is {saved}, the run is {precision}");
        var slots = Slots(model, optimizer);
        // Without an optimizer to restore, the file's optimizer state is simply not read.
        TensorSlots.Check(tensors, slots, problems, optimizer is null ? name => name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) : null);
        long optimizerSteps = 0;
        if (optimizer is not null)
        {
            if (!metadata.TryGetValue("optimizer", out string? kind) || kind != optimizer.Kind)
                problems.Add($"the checkpoint holds {(kind is null ? "no optimizer" : "a '" + kind + "' optimizer")}, the run a '{optimizer.Kind}' one");
            else if (!long.TryParse(metadata.GetValueOrDefault("optimizer.steps"), NumberStyles.None, CultureInfo.InvariantCulture, out optimizerSteps))
                problems.Add("the optimizer's step count is missing");
        }
        ulong randomState = 0;
        if (random is not null && !ulong.TryParse(metadata.GetValueOrDefault("random.state"), NumberStyles.None, CultureInfo.InvariantCulture, out randomState))
            problems.Add("the random source's state is missing");
        if (!long.TryParse(metadata.GetValueOrDefault("step"), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            problems.Add("the training step is missing");
        if (problems.Count > 0)
            throw new InvalidDataException($"{path} does not fit this run: {string.Join("; ", problems)}.");

        TensorSlots.Assign(tensors, slots);
        if (optimizer is not null)
            optimizer.StepCount = optimizerSteps;
        if (random is not null)
            random.State = randomState;
        return step;
    }

    private static List<TensorSlot<T>> Slots<T>(Module<T> model, Optimizer<T>? optimizer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var slots = new List<TensorSlot<T>>();
        TensorSlots.AddParameters(slots, model, ModelPrefix);
        if (optimizer is null)
            return slots;
        ReadOnlySpan<NamedParameter<T>> parameters = optimizer.ParameterList;
        foreach (var (buffer, perOwner) in optimizer.StateBuffers)
        {
            for (int p = 0; p < parameters.Length; p++)
            {
                NamedParameter<T> parameter = parameters[p];
                if (parameter.Trainable)
                    slots.Add(new TensorSlot<T>($"{OptimizerPrefix}{buffer}.{parameter.Name}", parameter.Shape, perOwner[optimizer.OwnerIndex(p)], parameter.Info.Offset, parameter.Info.Length));
            }
        }
        return slots;
    }
}
