using System;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Training;

// The crash-safety tests' victim: saves weights and a checkpoint over and over, every parameter of
// save k equal to k, until it is killed. Usage: seqgen-fault-writer WEIGHTS CHECKPOINT
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: seqgen-fault-writer WEIGHTS CHECKPOINT");
    return 2;
}
// Large enough that a save takes a while, so kills land inside writes.
var model = new Lstm(64, 256, seed: 1);
var adam = new Adam<float>(model, 0.01);
for (long k = 1; ; k++)
{
    model.Parameters.AsSpan().Fill(k);
    Weights.Save(args[0], model);
    Checkpoint.Save(args[1], model, adam, step: k);
    if (k == 1)
    {
        Console.WriteLine("saved");
        Console.Out.Flush();
    }
}
