using System;
using System.IO;
using System.Linq;
using MyModels;

namespace SeqGen.Tests;

/// <summary>The README's example cell and training loop are this code, and they learn.</summary>
public class ReadmeTests
{
    private static string RepositoryFile(string relative) => File.ReadAllText(TestFiles.Path(relative));

    private static string[] CodeBlocks(string markdown)
    {
        var blocks = markdown.Split("```csharp\n").Skip(1).Select(part => part.Substring(0, part.IndexOf("```", StringComparison.Ordinal)));
        return blocks.ToArray();
    }

    private static string Normalize(string code) =>
        string.Join("\n", code.Replace("\r\n", "\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    [Fact]
    public void ReadmeCell_IsTheCellCompiledHere()
    {
        string cell = CodeBlocks(RepositoryFile("README.md"))[0];
        string here = RepositoryFile("tests/SeqGen.Tests/ReadmeExample.cs");
        Assert.Equal(Normalize(cell), Normalize(here.Substring(here.IndexOf('\n') + 1)));
    }

    [Fact]
    public void ReadmeTraining_IsTheLoopRunHere()
    {
        string training = CodeBlocks(RepositoryFile("README.md"))[1];
        string here = RepositoryFile("tests/SeqGen.Tests/ReadmeTests.cs");
        int begin = here.LastIndexOf("// README:begin", StringComparison.Ordinal);
        int end = here.LastIndexOf("// README:end", StringComparison.Ordinal);
        string loop = here.Substring(here.IndexOf('\n', begin) + 1, end - here.IndexOf('\n', begin) - 1);
        Assert.Equal(Normalize(training), Normalize(loop));
    }

    [Fact]
    public void ReadmeCell_Trains_AndTheLossGoesDown()
    {
        var random = new Random(1);
        float[] target = new float[20 * 8 * 16];
        float firstLoss = float.NaN, loss = float.NaN;

        // README:begin
        var cell = new MyGru(inputSize: 3, hiddenSize: 16, seed: 1);   // float32; MyGru<double> for float64
        var ws = cell.CreateWorkspace(steps: 20, batch: 8);
        Span<float> x = ws.Input(0);                                     // [T, B, 3]
        for (int i = 0; i < x.Length; i++)
            x[i] = random.NextSingle() * 2 - 1;
        for (int i = 0; i < target.Length; i++)
            target[i] = 0.5f * x[i / 16 * 3];                            // learn to echo x[0], scaled
        for (int step = 0; step < 50; step++)
        {
            cell.Forward(ws, steps: 20);
            Span<float> h = ws.Output(20), dh = ws.OutputGradient(20);   // [T, B, 16]
            loss = 0;
            for (int i = 0; i < h.Length; i++)
            {
                loss += (h[i] - target[i]) * (h[i] - target[i]) / h.Length;
                dh[i] = 2 * (h[i] - target[i]) / h.Length;               // d(mean squared error)/dh
            }
            cell.ZeroGradients();
            cell.Backward(ws, steps: 20);                                // BPTT: parameter gradients
            for (int i = 0; i < cell.Parameters.Length; i++)
                cell.Parameters[i] -= 0.5f * cell.Gradients[i];          // plain SGD
            if (step == 0) firstLoss = loss;
        }
        // README:end

        Assert.True(loss < 0.5f * firstLoss, $"loss went from {firstLoss} to {loss}");
    }
}
