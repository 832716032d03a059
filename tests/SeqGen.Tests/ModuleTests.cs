using System;
using System.IO;
using System.Linq;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>The module contract: parameter paths, one visit per module, modes, and checkpoints by name.</summary>
public class ModuleTests
{
    private static RecurrentStack<float> BidirectionalGru(int seed) =>
        new((layer, direction, size) => new Gru<float>(size, 4, seed: seed + 10 * layer + direction), inputSize: 3, layers: 2, bidirectional: true);

    [Fact]
    public void ParametersAreNamedByTheirPath()
    {
        var model = new ModuleDict<float> { ["embedding"] = new Embedding<float>(7, 3), ["encoder"] = BidirectionalGru(1), ["head"] = new Linear<float>(8, 2) };
        string[] names = model.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal("embedding.weight", names[0]);
        Assert.Contains("encoder.layer0.forward.W_z", names);
        Assert.Contains("encoder.layer0.reverse.W_z", names);
        Assert.Contains("encoder.layer1.reverse.b_hn", names);
        Assert.Equal(new[] { "head.weight", "head.bias" }, names[^2..]);
        Assert.Equal(new[] { 4, 8 }, model.NamedParameter("encoder.layer1.forward.W_r").Shape);
        Assert.Equal(model.NamedParameters().Sum(p => (long)p.Info.Length), model.ParameterCount());
        var missing = Assert.Throws<ArgumentException>(() => model.NamedParameter("encoder.layer2.W_z"));
        Assert.Contains("encoder.layer0.forward.W_z", missing.Message);
    }

    [Fact]
    public void AModuleReachedTwice_IsAnError_NotUpdatedTwice()
    {
        var head = new Linear<float>(4, 2);
        var model = new ModuleDict<float> { ["first"] = head, ["second"] = head };
        var error = Assert.Throws<InvalidOperationException>(() => new Sgd<float>(model, 0.1));
        Assert.Contains("as 'first' and as 'second'", error.Message);
        Assert.Throws<InvalidOperationException>(() => GradientClipping.ByGlobalNorm(model, 1));
        Assert.Throws<ArgumentException>(() => new ModuleDict<float> { ["a"] = head, ["a"] = new Linear<float>(4, 2) });
        Assert.Throws<ArgumentException>(() => new ModuleDict<float> { ["a.b"] = head });
    }

    [Fact]
    public void TrainAndEval_ReachEveryDescendant_AndZeroGradientsToo()
    {
        var stack = BidirectionalGru(1);
        var model = new ModuleDict<float> { ["encoder"] = stack, ["head"] = new Linear<float>(8, 2) };
        model.Eval();
        Assert.False(stack.Cell(1, 1).IsTraining);
        Assert.False(model["head"].IsTraining);
        model.Train();
        Assert.True(stack.Cell(1, 1).IsTraining);
        stack.Cell(1, 1).Gradients.AsSpan().Fill(1);
        model["head"].Gradients.AsSpan().Fill(1);
        model.ZeroGradients();
        Assert.All(stack.Cell(1, 1).Gradients, g => Assert.Equal(0, g));
        Assert.All(model["head"].Gradients, g => Assert.Equal(0, g));
    }

    [Fact]
    public void Checkpoint_LoadsByName_SoSwappedDirectionsCannotMixUp()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-module-{Guid.NewGuid():N}.safetensors");
        try
        {
            var saved = BidirectionalGru(1);
            Checkpoint.Save(path, saved);
            // The old checkpoint stored modules by position: two directions of equal size could be
            // loaded into each other's place. Names tie each tensor to its place.
            var restored = BidirectionalGru(50);
            Checkpoint.Load(path, restored);
            for (int l = 0; l < 2; l++)
                for (int d = 0; d < 2; d++)
                    Assert.Equal(saved.Cell(l, d).Parameters, restored.Cell(l, d).Parameters);
            Assert.Contains("model.layer0.reverse.W_z", SafeTensors.Read(path).Keys);

            var unidirectional = new RecurrentStack<float>((l, d, size) => new Gru<float>(size, 4), inputSize: 3, layers: 2);
            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, unidirectional));
            Assert.Contains("missing 'model.layer0.W_z' [4, 3]", error.Message);
            Assert.Contains("unexpected 'model.layer0.reverse.W_z' [4, 3]", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Checkpoint_StoresOptimizerStatePerParameter_AndAStableKind()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-module-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = new ModuleDict<float> { ["head"] = new Linear<float>(3, 2) };
            var adam = new Adam<float>(model);
            adam.Step();
            Checkpoint.Save(path, model, adam, step: 3);
            var tensors = SafeTensors.Read(File.ReadAllBytes(path), path, out var metadata);
            Assert.Equal("adam", metadata["optimizer"]);
            Assert.Equal(new[] { 2, 3 }, tensors["optimizer.first_moment.head.weight"].Shape);
            Assert.Equal(new[] { 2 }, tensors["optimizer.second_moment.head.bias"].Shape);
            var inDouble = new ModuleDict<double> { ["head"] = new Linear<double>(3, 2) };
            Assert.Contains("the checkpoint is F32, the run is F64", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, inDouble)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BackwardOutOfOrder_Throws()
    {
        var cell = new Gru<float>(3, 4);
        var ws = cell.CreateWorkspace(steps: 5, batch: 2);
        Assert.Contains("call Forward first", Assert.Throws<InvalidOperationException>(() => cell.Backward(ws, 5)).Message);
        cell.Forward(ws, 3);
        Assert.Contains("the last Forward ran 3", Assert.Throws<ArgumentException>(() => cell.Backward(ws, 5)).Message);
        cell.Backward(ws, 3);

        var stack = BidirectionalGru(1);
        var stackWs = stack.CreateWorkspace(5, 2);
        Assert.Throws<InvalidOperationException>(() => stack.Backward(stackWs, 5));
        stack.Forward(stackWs, 3);
        Assert.Throws<ArgumentException>(() => stack.Backward(stackWs, 5));

        var tree = new TreeRnn<float>(hiddenSize: 4);
        var nodes = tree.CreateWorkspace(4);
        Assert.Throws<InvalidOperationException>(() => tree.Backward(nodes, 4));
        tree.Forward(nodes, 2);
        Assert.Throws<ArgumentException>(() => tree.Backward(nodes, 4));
    }

    [Fact]
    public void RecursiveCells_NameTheirInputsAndStates()
    {
        var tree = new TreeRnn<float>(hiddenSize: 4);
        Assert.Equal("h", tree.StateName(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InputName(0));
    }

    [Fact]
    public void ResetStates_ZeroesTheCarriedState()
    {
        var stack = BidirectionalGru(1);
        var ws = stack.CreateWorkspace(3, 2);
        ws.Input.Fill(0.5f);
        stack.Forward(ws, 3);
        ws.CarryStates();
        Assert.Contains(ws.InitialState(0, 0, 0).ToArray(), v => v != 0);
        ws.ResetStates();
        Assert.All(ws.InitialState(0, 0, 0).ToArray(), v => Assert.Equal(0, v));
        Assert.All(ws.InitialState(1, 1, 0).ToArray(), v => Assert.Equal(0, v));
    }

    private sealed class Square : Module<double>
    {
        public Square() : base(new[] { new ParameterInfo("w", ParameterKind.Vector, 0, 2, 1, true) }) => Parameters.AsSpan().Fill(1.5);
    }

    [Fact]
    public void GradientCheck_FindsAWrongGradient_AndSaysWhere()
    {
        var module = new Square();
        double Loss() => module.Parameters[0] * module.Parameters[0] + module.Parameters[1];
        var right = GradientCheck.Run(module, Loss, () => { module.Gradients[0] += 2 * module.Parameters[0]; module.Gradients[1] += 1; });
        Assert.True(right.Passed, right.ToString());
        var wrong = GradientCheck.Run(module, Loss, () => { module.Gradients[0] += module.Parameters[0]; module.Gradients[1] += 1; });
        Assert.False(wrong.Passed);
        Assert.Contains("FAILED w: relative error", wrong.ToString());
        Assert.True(wrong.MaxRelativeError > 0.1);
    }
}
