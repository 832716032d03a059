using System;
using System.Collections.Generic;
using System.IO;
using SeqGen.IO;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>End-to-end memory networks: gradients of every part, masking, the bAbI reader, learning a synthetic task.</summary>
public class MemoryNetworkTests
{
    private static readonly string[] People = { "mary", "john", "sandra", "daniel" };
    private static readonly string[] Places = { "kitchen", "garden", "office", "bathroom", "hallway", "bedroom" };

    /// <summary>A single-supporting-fact task in the bAbI format: people move; where is one of them?</summary>
    internal static List<string> SyntheticStories(int stories, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string>();
        for (int s = 0; s < stories; s++)
        {
            var where = new Dictionary<string, int>();
            int line = 1;
            for (int q = 0; q < 3; q++)
            {
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    string person = People[random.Next(People.Length)];
                    string place = Places[random.Next(Places.Length)];
                    where[person] = line;
                    lines.Add($"{line++} {char.ToUpperInvariant(person[0])}{person[1..]} went to the {place}.");
                }
                string asked = new List<string>(where.Keys)[random.Next(where.Count)];
                string answer = lines[lines.Count - (line - where[asked])].Split(' ')[^1].TrimEnd('.');
                lines.Add($"{line++} Where is {asked}? \t{answer}\t{where[asked]}");
            }
        }
        return lines;
    }

    private static MemoryWorkspace<double> Batch(MemoryNetwork<double> network, List<BabiExample> examples, int count)
    {
        var ws = network.CreateWorkspace(count);
        ws.Load(examples, 0, count);
        return ws;
    }

    public static TheoryData<SentenceEncoding, WeightTying, int, bool, bool> Configurations => new()
    {
        { SentenceEncoding.BagOfWords, WeightTying.Adjacent, 1, false, false },
        { SentenceEncoding.PositionPaper, WeightTying.Adjacent, 3, true, false },
        { SentenceEncoding.PositionCode, WeightTying.Adjacent, 2, true, false },
        { SentenceEncoding.PositionPaper, WeightTying.LayerWise, 3, true, false },
        { SentenceEncoding.PositionPaper, WeightTying.Adjacent, 2, true, true },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void EveryPart_PassesTheGradientCheck(SentenceEncoding encoding, WeightTying tying, int hops, bool temporal, bool linearStart)
    {
        var (vocabulary, examples) = Babi.Parse(SyntheticStories(3, 1), "synthetic");
        var network = new MemoryNetwork<double>(vocabulary.Words.Count, sentenceLength: 6, dimension: 5, hops: hops, memorySize: 6,
            encoding: encoding, temporal: temporal, tying: tying, seed: 2) { LinearStart = linearStart };
        // Stories of different lengths: the short ones leave masked slots.
        var ws = Batch(network, examples, 4);
        GradientCheckReport report = GradientCheck.Run(network, () => network.Forward(ws), () => network.Backward(ws));
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void SlotsBeyondTheStory_GetExactlyZeroAttentionAndGradient()
    {
        var (vocabulary, examples) = Babi.Parse(SyntheticStories(2, 3), "synthetic");
        var network = new MemoryNetwork<double>(vocabulary.Words.Count, sentenceLength: 6, dimension: 4, hops: 3, memorySize: 20, seed: 1);
        var ws = Batch(network, examples, 2);
        network.Forward(ws);
        network.ZeroGradients();
        network.Backward(ws);
        int used = Math.Max(ws.Slots(0), ws.Slots(1));
        Assert.True(used < 20);
        for (int hop = 0; hop < 3; hop++)
        {
            for (int b = 0; b < 2; b++)
            {
                double sum = 0;
                for (int i = 0; i < 20; i++)
                {
                    sum += ws.Attention(hop, b)[i];
                    if (i >= ws.Slots(b))
                        Assert.Equal(0.0, ws.Attention(hop, b)[i]);
                }
                Assert.Equal(1.0, sum, 12);
            }
        }
        // No question used a slot past `used`: those temporal vectors get no gradient at all.
        for (int e = 0; e <= 3; e++)
            for (int i = used; i < 20; i++)
                foreach (double g in network.NamedParameter($"temporal{e}").Gradient.Slice(i * 4, 4))
                    Assert.Equal(0.0, g);
    }

    [Fact]
    public void Reader_ParsesStoriesAndQuestions_AndNamesTheLineOfAMistake()
    {
        string[] lines =
        {
            "1 Mary moved to the bathroom.",
            "2 John went to the hallway.",
            "3 Where is Mary? \tbathroom\t1",
            "1 Daniel went back to the hallway.",
            "2 Where is Daniel? \thallway\t1",
        };
        var (vocabulary, examples) = Babi.Parse(lines, "inline");
        Assert.Equal(2, examples.Count);
        Assert.Equal(2, examples[0].Story.Length);
        Assert.Equal(vocabulary.Id("bathroom"), examples[0].Answer);
        Assert.Equal(new[] { 0 }, examples[0].Supporting);
        Assert.Equal(new[] { vocabulary.Id("where"), vocabulary.Id("is"), vocabulary.Id("mary") }, examples[0].Question);
        Assert.Single(examples[1].Story);

        Assert.Contains("inline, line 2: line number 3 follows 1", Assert.Throws<InvalidDataException>(() => Babi.Parse(new[] { "1 A b.", "3 C d." }, "inline")).Message);
        Assert.Contains("line 2: a question has three tab-separated parts", Assert.Throws<InvalidDataException>(() => Babi.Parse(new[] { "1 A b.", "2 Where? \tb" }, "inline")).Message);
        Assert.Contains("line 2: supporting fact \"7\"", Assert.Throws<InvalidDataException>(() => Babi.Parse(new[] { "1 A b.", "2 Where? \tb\t7" }, "inline")).Message);
        Assert.Contains("line 1: expected a line number", Assert.Throws<InvalidDataException>(() => Babi.Parse(new[] { "Mary went." }, "inline")).Message);
    }

    [Fact]
    public void ASyntheticSingleSupportingFactTask_IsLearned()
    {
        var (vocabulary, train) = Babi.Parse(SyntheticStories(300, 5), "train");
        List<BabiExample> test = vocabulary.ReadLines(SyntheticStories(60, 6), "test");
        var network = new MemoryNetwork<float>(vocabulary.Words.Count, sentenceLength: 6, dimension: 20, hops: 3, memorySize: 20, seed: 1);
        var adam = new Adam<float>(network, learningRate: 0.01);
        var ws = network.CreateWorkspace(32);
        var random = new SeededRandom(2);
        for (int epoch = 0; epoch < 60; epoch++)
        {
            for (int start = 0; start < train.Count; start += 32)
            {
                ws.Load(train, start, Math.Min(32, train.Count - start), noise: 0.1, random: random);
                network.Forward(ws);
                network.ZeroGradients();
                network.Backward(ws);
                GradientClipping.ByGlobalNorm(network, 40);
                adam.Step();
            }
        }
        int correct = 0;
        var testWs = network.CreateWorkspace(test.Count);
        testWs.Load(test, 0, test.Count);
        network.Predict(testWs);
        for (int b = 0; b < test.Count; b++)
            correct += Metrics.ArgMax<float>(testWs.Logits.Slice(b * vocabulary.Words.Count, vocabulary.Words.Count)) == test[b].Answer ? 1 : 0;
        Assert.True(correct > 0.95 * test.Count, $"{correct} of {test.Count} test questions answered");
    }
}

/// <summary>Measures allocations, so it runs alone (see <see cref="SequenceModelAllocationTests"/>).</summary>
[Collection(nameof(ThreadedAllocationTests))]
public class MemoryNetworkAllocationTests
{
    [Fact]
    public void TrainingSteps_WithRandomNoise_AllocateNothing()
    {
        var (vocabulary, examples) = Babi.Parse(MemoryNetworkTests.SyntheticStories(40, 4), "synthetic");
        var network = new MemoryNetwork<float>(vocabulary.Words.Count, sentenceLength: 6, dimension: 8, hops: 3, memorySize: 20, seed: 1);
        var sgd = new Sgd<float>(network, learningRate: 0.01);
        var ws = network.CreateWorkspace(16);
        var random = new SeededRandom(3);
        void Epoch()
        {
            for (int start = 0; start + 16 <= examples.Count; start += 16)
            {
                ws.Load(examples, start, 16, noise: 0.1, random: random);
                network.Forward(ws);
                network.ZeroGradients();
                network.Backward(ws);
                GradientClipping.ByGlobalNorm(network, 40);
                sgd.Step();
            }
        }
        Epoch();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
            Epoch();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
