using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Tests;

/// <summary>
/// Over ten thousand seeded whole-file mutations of what the library reads — weights, checkpoints,
/// bracketed trees, bAbI stories: each either loads or fails with the documented
/// <see cref="InvalidDataException"/> and a reason, never another exception, never a hang.
/// </summary>
public class FileFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    private static byte[] MutateBytes(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        for (int edits = 1 + random.Next(3); edits > 0; edits--)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    for (int n = random.Next(1, 16); n > 0; n--)
                        bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 64)));
                    break;
                case 5 when bytes.Count >= 8:
                {
                    // The header length: huge, negative as signed, off by a little.
                    ulong length = BitConverter.ToUInt64(bytes.GetRange(0, 8).ToArray());
                    ulong[] choices = { ulong.MaxValue, 1UL << 63, length + 1, length - 1, (ulong)random.Next(), 0 };
                    byte[] replacement = BitConverter.GetBytes(choices[random.Next(choices.Length)]);
                    for (int i = 0; i < 8; i++)
                        bytes[i] = replacement[i];
                    break;
                }
                case 6 when bytes.Count > 8:
                {
                    // A digit of the JSON header (a shape or an offset) changed, or turned into a sign.
                    for (int tries = 0; tries < 32; tries++)
                    {
                        int i = random.Next(8, Math.Min(bytes.Count, 8 + 600));
                        if (bytes[i] >= '0' && bytes[i] <= '9')
                        {
                            bytes[i] = (byte)"0123456789-9e."[random.Next(14)];
                            break;
                        }
                    }
                    break;
                }
                default:
                    if (bytes.Count > 0)
                    {
                        int length = Math.Min(bytes.Count - at, random.Next(1, 64));
                        bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    }
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static string MutateText(string original, Random random)
    {
        var text = new StringBuilder(original);
        const string alphabet = "()\t\n 0123456789?.-abcXYZé\0";
        for (int edits = 1 + random.Next(4); edits > 0; edits--)
        {
            int at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0 when text.Length > 0:
                    text.Remove(at, 1);
                    break;
                case 1:
                    text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
                case 2 when text.Length > 0:
                    text[at] = alphabet[random.Next(alphabet.Length)];
                    break;
                case 3:
                    text.Length = at;
                    break;
                default:
                    if (text.Length > 0)
                    {
                        int length = Math.Min(text.Length - at, random.Next(1, 40));
                        text.Insert(random.Next(text.Length), text.ToString(at, length));
                    }
                    break;
            }
        }
        return text.ToString();
    }

    // Runs every case, each either fine or an InvalidDataException with a message; the whole run within the budget.
    private static void Fuzz(int count, int seed, Action<Random> attempt)
    {
        var run = Task.Run(() =>
        {
            var random = new Random(seed);
            int rejected = 0;
            for (int i = 0; i < count; i++)
            {
                try
                {
                    attempt(random);
                }
                catch (InvalidDataException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    rejected++;
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"Seed {seed}, case {i}: {e.GetType().Name} instead of InvalidDataException: {e}");
                }
            }
            return rejected;
        });
        Assert.True(run.Wait(Budget), $"Seed {seed}: {count} cases did not finish within {Budget} (a hang?)");
        // Most mutations must be caught, some must still load: both paths are exercised.
        Assert.InRange(run.Result, count / 4, count - 1);
    }

    [Fact]
    public void MutatedWeightFiles_LoadOrGiveTheDocumentedError()
    {
        var model = new Gru(4, 6, seed: 1);
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-fuzz-{Guid.NewGuid():N}.safetensors");
        try
        {
            Weights.Save(path, model, new Dictionary<string, string> { ["task"] = "fuzz" });
            byte[] original = File.ReadAllBytes(path);
            Fuzz(4000, 11, random =>
            {
                byte[] mutated = MutateBytes(original, random);
                SafeTensors.Read(mutated, "mutated", out _);
                File.WriteAllBytes(path, mutated);
                Weights.Load(path, new Gru(4, 6));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MutatedCheckpoints_LoadOrGiveTheDocumentedError()
    {
        var model = new Lstm(3, 5, seed: 1);
        var adam = new Adam<float>(model, 0.01);
        model.Gradients.AsSpan().Fill(0.1f);
        adam.Step();
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-fuzz-{Guid.NewGuid():N}.ckpt");
        try
        {
            Checkpoint.Save(path, model, adam, new SeqGen.Numerics.SeededRandom(3), step: 7);
            byte[] original = File.ReadAllBytes(path);
            Fuzz(3000, 12, random =>
            {
                File.WriteAllBytes(path, MutateBytes(original, random));
                var restored = new Lstm(3, 5);
                Checkpoint.Load(path, restored, new Adam<float>(restored, 0.01), new SeqGen.Numerics.SeededRandom(0));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MutatedTreebankLines_ParseOrGiveTheDocumentedError()
    {
        string[] lines =
        {
            "(3 (2 It) (4 (4 (2 's) (4 (3 (2 a) (4 (3 lovely) (2 film))) (3 (2 with) (4 (3 (3 lovely) (2 performances)) (2 (2 by) (2 (2 (2 Buy) (2 and)) (2 Accorsi))))))) (2 .)))",
            "(2 (2 (1 No) (2 one)) (1 (1 (2 goes) (2 (1 (2 (2 unindicted) (2 here)) (2 ,)) (2 (2 which) (3 (2 (2 is) (2 probably)) (3 (2 for) (4 (2 the) (4 best)))))))) (2 .)))",
        };
        Fuzz(2000, 13, random => BracketedTrees.ParseLines(MutateText(string.Join("\n", lines), random).Split('\n'), "mutated"));
    }

    [Fact]
    public void MutatedBabiStories_ParseOrGiveTheDocumentedError()
    {
        string story = "1 Mary moved to the bathroom.\n2 John went to the hallway.\n3 Where is Mary? \tbathroom\t1\n4 Daniel went back to the hallway.\n5 Sandra moved to the garden.\n6 Where is Daniel? \thallway\t4\n1 John moved to the office.\n2 Where is John? \toffice\t1\n";
        var (vocabulary, _) = Babi.Parse(story.Split('\n'), "story");
        Fuzz(2000, 14, random =>
        {
            string[] mutated = MutateText(story, random).Split('\n');
            Babi.Parse(mutated, "mutated");
            vocabulary.ReadLines(mutated, "mutated with the training vocabulary");
        });
    }
}
