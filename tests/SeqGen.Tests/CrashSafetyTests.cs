using System;
using System.Diagnostics;
using System.IO;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>
/// A process killed (SIGKILL) while it writes weights or a checkpoint leaves the previous file
/// whole: every save goes to a temporary file, is flushed to disk and is then renamed over the
/// old one, so a reader finds either the old file or the new one, never a mixture.
/// </summary>
[Collection(nameof(ThreadedAllocationTests))]
public class CrashSafetyTests
{
    [Fact]
    public void KillingAWriterAtRandomPoints_LeavesEveryFileLoadable_Over50Tries()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-crash-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string weights = Path.Combine(folder, "model.safetensors"), checkpoint = Path.Combine(folder, "run.ckpt");
        string writer = Path.Combine(AppContext.BaseDirectory, "seqgen-fault-writer.dll");
        var random = new Random(2026);
        try
        {
            for (int attempt = 0; attempt < 50; attempt++)
            {
                using var process = Process.Start(new ProcessStartInfo("dotnet", $"\"{writer}\" \"{weights}\" \"{checkpoint}\"") { RedirectStandardOutput = true })!;
                // Once both files exist, kill at a random moment of the save loop.
                Assert.Equal("saved", process.StandardOutput.ReadLine());
                System.Threading.Thread.Sleep(random.Next(0, 100));
                process.Kill(entireProcessTree: true);
                process.WaitForExit();

                var model = new Lstm(64, 256, seed: 9);
                Weights.Load(weights, model);
                float value = model.Parameters[0];
                Assert.True(value >= 1 && value == Math.Floor(value), $"attempt {attempt}: weights hold {value}");
                Assert.All(model.Parameters, v => Assert.Equal(value, v));
                var restored = new Lstm(64, 256, seed: 9);
                long step = Checkpoint.Load(checkpoint, restored, new Adam<float>(restored, 0.01));
                Assert.Equal(step, (long)restored.Parameters[0]);
                Assert.All(restored.Parameters, v => Assert.Equal(step, (long)v));
                // The checkpoint of save k follows the weights of save k.
                Assert.InRange(step, (long)value - 1, (long)value);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
