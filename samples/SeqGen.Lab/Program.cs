using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text;
using SeqGen.Cells;
using SeqGen.Lab;
using SeqGen.Model;
using Spectre.Console;

// The long-term-dependency lab: trains recurrent cells on the adding problem at several lengths
// and shows which of them carry information across the gap, next to the task's trivial baseline.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var cells = new Dictionary<string, Func<int, int, int, RecurrentCellBase<float>>>(StringComparer.OrdinalIgnoreCase)
{
    ["ElmanRnn"] = (i, h, s) => new ElmanRnn(i, h, s),
    ["Gru"] = (i, h, s) => new Gru(i, h, s),
    ["ChoGru"] = (i, h, s) => new ChoGru(i, h, s),
    ["Lstm"] = (i, h, s) => new Lstm(i, h, s),
    ["LeakyRnn"] = (i, h, s) => new LeakyRnn(i, h, s),
    ["LearnedLeakyRnn"] = (i, h, s) => new LearnedLeakyRnn(i, h, s),
    ["CoupledLstm"] = (i, h, s) => new CoupledLstm(i, h, s),
    ["MinimalGatedUnit"] = (i, h, s) => new MinimalGatedUnit(i, h, s),
};

var task = new Option<string>("--task") { Description = $"The task: {TaskFactory.Names}. --lengths are sequence lengths (the delay, for copy).", DefaultValueFactory = _ => "adding" };
var lengths = new Option<string>("--lengths") { Description = "Sequence lengths, comma-separated.", DefaultValueFactory = _ => "20,100" };
var cellNames = new Option<string>("--cells") { Description = $"Cells, comma-separated: {string.Join(", ", cells.Keys)}.", DefaultValueFactory = _ => "ElmanRnn,Gru,Lstm,LeakyRnn" };
var steps = new Option<int>("--steps") { Description = "Training steps per cell and length.", DefaultValueFactory = _ => 1500 };
var batch = new Option<int>("--batch") { Description = "Sequences per step.", DefaultValueFactory = _ => 32 };
var hidden = new Option<int>("--hidden") { Description = "Hidden size.", DefaultValueFactory = _ => 32 };
var learningRate = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 0.01 };
var optimizer = new Option<string>("--optimizer") { Description = "adam, sgd (momentum 0.9) or rmsprop.", DefaultValueFactory = _ => "adam" };
var clip = new Option<string>("--clip") { Description = "Gradient clipping: norm, value or none.", DefaultValueFactory = _ => "norm" };
var clipThreshold = new Option<double>("--clip-threshold") { Description = "Maximum global norm, or maximum absolute value.", DefaultValueFactory = _ => 1.0 };
var init = new Option<string>("--init") { Description = "Initialisation of the gates that keep the state: default (an LSTM's forget bias 1) or chrono (Tallec and Ollivier 2018: forget bias log U(1, T - 1), input bias its negation; a GRU's update-gate bias likewise).", DefaultValueFactory = _ => "chrono" };
var seed = new Option<int>("--seed") { Description = "Seed of initialisation and data.", DefaultValueFactory = _ => 1 };
var textOption = new Option<string?>("--text") { Description = "Character-level language modelling of this text file as char-rnn trains it (embedding 64, 2 x LSTM 128, chunks of 50 characters in 50 streams with the state carried, Adam 2e-3, clip 5, dropout 0.25 between layers; train on the first 90 %, validate on the last 10 %); --hidden, --batch, the first of --lengths (the chunk) and --seed override; writes text.md." };
var textEpochs = new Option<int>("--text-epochs") { Description = "Passes over the training text (--text); 50 reach char-rnn's quality in about 36 minutes on one core, 10 take 6.", DefaultValueFactory = _ => 50 };
var textLayers = new Option<int>("--text-layers") { Description = "LSTM layers (--text).", DefaultValueFactory = _ => 2 };
var textDropout = new Option<double>("--text-dropout") { Description = "Dropout between the LSTM layers in training (--text).", DefaultValueFactory = _ => 0.25 };
var temperature = new Option<double>("--temperature") { Description = "Sampling temperature of the text generated after training (--text).", DefaultValueFactory = _ => 0.8 };
var sampleLength = new Option<int>("--sample-length") { Description = "Characters to generate after training (--text).", DefaultValueFactory = _ => 300 };
var babi = new Option<string?>("--babi") { Description = "Memory: train an end-to-end memory network on a bAbI task (--babi-task, default 1) in this folder (e.g. ../shared/data/babi-qa1) with 1k and all training questions; writes babi.md." };
var babiTask = new Option<int>("--babi-task") { Description = "Which bAbI task's files to read from the --babi folder (qaN_*_train.txt and _test.txt).", DefaultValueFactory = _ => 1 };
var babiRuns = new Option<int>("--babi-runs") { Description = "Seeds per training size (--babi); the lowest training error is the one selected.", DefaultValueFactory = _ => 3 };
var babiEpochs = new Option<int>("--babi-epochs") { Description = "Epochs (--babi); the paper's protocol is 100.", DefaultValueFactory = _ => 100 };
var sst = new Option<string?>("--sst") { Description = "Trees: train a recursive network on the Stanford Sentiment Treebank in this folder (train.txt, dev.txt, test.txt, e.g. ../shared/data/sst); writes sst-CELL.md." };
var sstCell = new Option<string>("--sst-cell") { Description = "TreeLstm or TreeRnn (--sst).", DefaultValueFactory = _ => "TreeLstm" };
var sstEpochs = new Option<int>("--sst-epochs") { Description = "Epochs (--sst).", DefaultValueFactory = _ => 8 };
var sstHidden = new Option<int>("--sst-hidden") { Description = "Hidden size (--sst).", DefaultValueFactory = _ => 150 };
var sstTrees = new Option<string>("--sst-trees") { Description = "Where the trees come from (--sst): given (the treebank's parses, loss at every node), or, with the loss at the roots and leaves only, given-roots, balanced or inferred (an easy-first builder trained by REINFORCE).", DefaultValueFactory = _ => "given" };
var latentTrees = new Option<bool>("--latent-trees") { Description = "Trees: where the tree comes from, on max/min expressions whose parse is known — given, balanced, left-branching and inferred trees, --latent-seeds seeds each; writes latent-trees.md and .png." };
var latentSeeds = new Option<int>("--latent-seeds") { Description = "Seeds per tree source (--latent-trees).", DefaultValueFactory = _ => 3 };
var latentEpochs = new Option<int>("--latent-epochs") { Description = "Epochs (--latent-trees).", DefaultValueFactory = _ => 10 };
var seq2seq = new Option<bool>("--seq2seq") { Description = "Attention: train an encoder-decoder with and without attention on generated tasks (--seq2seq-tasks); writes seq2seq.md and attention heatmaps." };
var seq2seqTasks = new Option<string>("--seq2seq-tasks") { Description = "Comma-separated: reverse, sort, dates (--seq2seq).", DefaultValueFactory = _ => "reverse,sort,dates" };
var seq2seqSteps = new Option<int>("--seq2seq-steps") { Description = "Training steps per task and model (--seq2seq).", DefaultValueFactory = _ => 3000 };
var ntm = new Option<bool>("--ntm") { Description = "Memory: train a Neural Turing Machine (memory 128 x 20, controller 100) on --ntm-task over --ntm-seeds seeds, and an LSTM baseline; writes ntm-TASK.md and charts." };
var ntmTask = new Option<string>("--ntm-task") { Description = "copy (lengths 1-20), repeat-copy (lengths 1-10, 1-10 copies) or recall (associative recall, 2-6 items) (--ntm).", DefaultValueFactory = _ => "copy" };
var ntmEpisodes = new Option<int?>("--ntm-episodes") { Description = "Training episodes per seed (--ntm); default 50000, 100000 for repeat-copy." };
var ntmSeeds = new Option<int>("--ntm-seeds") { Description = "Seeds (--ntm).", DefaultValueFactory = _ => 3 };
var ntmController = new Option<string>("--ntm-controller") { Description = "lstm or feedforward (--ntm).", DefaultValueFactory = _ => "lstm" };
var ntmBaseline = new Option<bool>("--ntm-baseline") { Description = "Also train the LSTM baseline on the same episodes (--ntm).", DefaultValueFactory = _ => true };
var resume = new Option<bool>("--resume") { Description = "Continue a run (the default run, --text, --ntm, --seq2seq, --sst, --latent-trees, --babi, --tour) where Ctrl+C stopped it (from the checkpoints in --output), exactly; finished runs are read back." };
var tour = new Option<string?>("--tour") { Description = "The lecture's remedies, one run each on --task at the first of --lengths (default 100): all, or comma-separated sections: leaky, skip, gated; writes tour.md and tour-*.png.", Arity = ArgumentArity.ZeroOrOne };
var output = new Option<string>("--output") { Description = "Folder for the results table, the loss curves and gradient norms (CSV) and the charts (PNG).", DefaultValueFactory = _ => "lab-output" };

var root = new RootCommand("SeqGen lab: which recurrent cells learn long-range dependencies?")
{
    task, lengths, cellNames, steps, batch, hidden, learningRate, optimizer, clip, clipThreshold, init, seed, output, textOption, textEpochs, textLayers, textDropout, temperature, sampleLength,
    babi, babiTask, babiRuns, babiEpochs, sst, sstCell, sstEpochs, sstHidden, sstTrees, latentTrees, latentSeeds, latentEpochs, seq2seq, seq2seqTasks, seq2seqSteps, ntm, ntmTask, ntmEpisodes, ntmSeeds, ntmController, ntmBaseline, tour, resume,
};
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine("error: " + parsed.Errors[0].Message);
    return 2;
}
if (args.Length > 0 && Array.Exists(args, a => a is "--help" or "-h" or "-?"))
    return parsed.Invoke();

try
{
    // Where a run can be saved (every training subcommand), Ctrl+C stops it after the step in
    // progress and saves it; a second Ctrl+C, or Ctrl+C anywhere else, ends the process at once.
    using var interrupt = new System.Threading.CancellationTokenSource();
    bool resumable = false;
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = resumable && !interrupt.IsCancellationRequested;
        interrupt.Cancel();
    };
    if (parsed.GetValue(sst) is { } sstFolder)
    {
        resumable = true;
        return SentimentTask.Run(sstFolder, parsed.GetValue(sstCell)!, Positive(parsed.GetValue(sstEpochs), "--sst-epochs"), Positive(parsed.GetValue(sstHidden), "--sst-hidden"), parsed.GetValue(sstTrees)!, parsed.GetValue(seed), parsed.GetValue(output)!,
            new Resumption(Path.Combine(parsed.GetValue(output)!, "checkpoints"), parsed.GetValue(resume), interrupt.Token));
    }
    if (parsed.GetValue(ntm))
    {
        NtmTask memoryTask = NtmTask.Create(parsed.GetValue(ntmTask)!);
        int episodes = parsed.GetValue(ntmEpisodes) ?? memoryTask.DefaultEpisodes;
        if (episodes < NtmLab.Report)
            throw new ArgumentException($"--ntm-episodes must be at least {NtmLab.Report}.");
        string controllerName = parsed.GetValue(ntmController)!;
        if (controllerName is not ("lstm" or "feedforward"))
            throw new ArgumentException($"--ntm-controller '{controllerName}' is not lstm or feedforward.");
        resumable = true;
        return NtmLab.Run(memoryTask, episodes, Positive(parsed.GetValue(ntmSeeds), "--ntm-seeds"), controllerName == "feedforward", parsed.GetValue(ntmBaseline), parsed.GetValue(output)!, interrupt.Token, parsed.GetValue(resume));
    }
    if (parsed.GetValue(seq2seq))
    {
        var translationTasks = new List<string>();
        foreach (string name in parsed.GetValue(seq2seqTasks)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            translationTasks.Add(Array.IndexOf(TranslationTask.Tasks, name) >= 0 ? name : throw new ArgumentException($"--seq2seq-tasks: '{name}' is not one of {string.Join(", ", TranslationTask.Tasks)}."));
        int translationSteps = Positive(parsed.GetValue(seq2seqSteps), "--seq2seq-steps");
        resumable = true;
        return TranslationTask.Run(translationTasks, translationSteps < 10 ? throw new ArgumentException("--seq2seq-steps must be at least 10.") : translationSteps, parsed.GetValue(seed), parsed.GetValue(output)!,
            new Resumption(Path.Combine(parsed.GetValue(output)!, "checkpoints"), parsed.GetValue(resume), interrupt.Token));
    }
    if (parsed.GetValue(latentTrees))
    {
        resumable = true;
        return LatentTreeTask.Run(Positive(parsed.GetValue(latentSeeds), "--latent-seeds"), Positive(parsed.GetValue(latentEpochs), "--latent-epochs"), parsed.GetValue(output)!,
            new Resumption(Path.Combine(parsed.GetValue(output)!, "checkpoints"), parsed.GetValue(resume), interrupt.Token));
    }
    if (parsed.GetValue(babi) is { } babiFolder)
    {
        resumable = true;
        return MemoryTask.Run(babiFolder, Positive(parsed.GetValue(babiTask), "--babi-task"), Positive(parsed.GetValue(babiRuns), "--babi-runs"), Positive(parsed.GetValue(babiEpochs), "--babi-epochs"), parsed.GetValue(output)!,
            new Resumption(Path.Combine(parsed.GetValue(output)!, "checkpoints"), parsed.GetValue(resume), interrupt.Token));
    }
    string taskName = parsed.GetValue(task)!;
    var chosen = new List<string>();
    foreach (string name in parsed.GetValue(cellNames)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        if (!cells.ContainsKey(name))
            throw new ArgumentException($"--cells: '{name}' is not one of {string.Join(", ", cells.Keys)}.");
        chosen.Add(name);
    }
    var sequenceLengths = new List<int>();
    foreach (string text in parsed.GetValue(lengths)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length < 2 || length > 10_000)
            throw new ArgumentException($"--lengths: '{text}' is not a length from 2 to 10000.");
        sequenceLengths.Add(length);
    }
    string optimizerName = parsed.GetValue(optimizer)!;
    if (optimizerName is not ("adam" or "sgd" or "rmsprop"))
        throw new ArgumentException($"--optimizer '{optimizerName}' is not adam, sgd or rmsprop.");
    string clipMode = parsed.GetValue(clip)!;
    if (clipMode is not ("norm" or "value" or "none"))
        throw new ArgumentException($"--clip '{clipMode}' is not norm, value or none.");
    var options = new TrainingOptions(
        Positive(parsed.GetValue(steps), "--steps"), Positive(parsed.GetValue(batch), "--batch"), Positive(parsed.GetValue(hidden), "--hidden"),
        parsed.GetValue(learningRate) is > 0 and var lr ? lr : throw new ArgumentException("--lr must be positive."),
        optimizerName, clipMode,
        parsed.GetValue(clipThreshold) is > 0 and var threshold ? threshold : throw new ArgumentException("--clip-threshold must be positive."),
        parsed.GetValue(seed),
        parsed.GetValue(init) switch { "chrono" => true, "default" => false, var other => throw new ArgumentException($"--init '{other}' is not default or chrono.") });
    string folder = parsed.GetValue(output)!;
    Directory.CreateDirectory(folder);

    bool Given(Option option) => parsed.GetResult(option) is { Implicit: false };
    if (parsed.GetValue(textOption) is { } textPath)
    {
        var textSettings = new TextModel.Settings(
            Layers: Positive(parsed.GetValue(textLayers), "--text-layers"),
            Hidden: Given(hidden) ? options.Hidden : 128,
            Chunk: Given(lengths) ? sequenceLengths[0] : 50,
            Batch: Given(batch) ? options.Batch : 50,
            Dropout: parsed.GetValue(textDropout) is >= 0 and < 1 and var dropout ? dropout : throw new ArgumentException("--text-dropout must be in [0, 1)."),
            Seed: options.Seed);
        double sampleTemperature = parsed.GetValue(temperature) is > 0 and var temp ? temp : throw new ArgumentException("--temperature must be positive.");
        int samples = parsed.GetValue(sampleLength) is >= 0 and var count ? count : throw new ArgumentException("--sample-length must not be negative.");
        resumable = true;
        return TextModel.Run(textPath, textSettings, Positive(parsed.GetValue(textEpochs), "--text-epochs"), samples, sampleTemperature, folder, interrupt.Token, parsed.GetValue(resume));
    }
    if (parsed.GetResult(tour) is not null)
    {
        string sections = parsed.GetValue(tour) ?? "all";
        var only = sections == "all" ? null : new List<string>(sections.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (string name in only ?? new List<string>())
        {
            if (Array.FindIndex(Tour.Sections, s => s.Name == name) < 0)
                throw new ArgumentException($"--tour: '{name}' is not all or one of leaky, skip, gated.");
        }
        resumable = true;
        return Tour.Run(TaskFactory.Create(taskName, Given(lengths) ? sequenceLengths[0] : 100), options, only, folder,
            new ResumableRun(Path.Combine(folder, "checkpoints", "tour"), parsed.GetValue(resume), interrupt.Token));
    }
    var tasks = new List<ISequenceTask>();
    foreach (int length in sequenceLengths)
        tasks.Add(TaskFactory.Create(taskName, length));
    Console.WriteLine($"Task {taskName}: {options.Steps} steps of batch {options.Batch}, hidden {options.Hidden}, {optimizerName} lr {options.LearningRate}, clip {clipMode}; " +
        $"baseline {tasks[0].Baseline:F3} ({tasks[0].BaselineMeaning}), solved below {Trainer.SolvedFraction * tasks[0].Baseline:F4}.");
    var results = new List<TrainingResult>();
    var saved = new ResumableRun(Path.Combine(folder, "checkpoints"), parsed.GetValue(resume), interrupt.Token);
    resumable = true;
    if (!Console.IsOutputRedirected)
    {
        // A terminal gets live progress bars with the held-out loss and the time left.
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(),
                new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                foreach (ISequenceTask sequenceTask in tasks)
                {
                    foreach (string name in chosen)
                    {
                        if (interrupt.IsCancellationRequested)
                            return;
                        string label = $"{name} T={sequenceTask.Length}";
                        var bar = context.AddTask(label, maxValue: options.Steps);
                        TrainingResult result = Trainer.Run(name, cells[name], sequenceTask, options, (step, loss) =>
                        {
                            bar.Value = step;
                            bar.Description = $"{label,-24} loss {loss:F4}";
                        }, saved);
                        bar.Description = result.InterruptedAt is int at
                            ? $"{label,-24} [yellow]interrupted at step {at}[/]"
                            : $"{label,-24} loss {result.FinalLoss:F4} {(result.Solved ? "[green]solved[/]" : "[grey]not solved[/]")}";
                        results.Add(result);
                    }
                }
            });
    }
    else
    {
        // Pipes and CI get one plain line per run.
        foreach (ISequenceTask sequenceTask in tasks)
        {
            foreach (string name in chosen)
            {
                if (interrupt.IsCancellationRequested)
                    break;
                TrainingResult result = Trainer.Run(name, cells[name], sequenceTask, options, resumable: saved);
                Console.WriteLine(result.InterruptedAt is int at
                    ? $"{name,-18} T={sequenceTask.Length,-4} interrupted at step {at}"
                    : $"{name,-18} T={sequenceTask.Length,-4} loss {result.FinalLoss:F4}  {(result.Solved ? "solved" : "not solved")}  {result.Time.TotalSeconds:F1} s");
                results.Add(result);
            }
        }
    }
    if (interrupt.IsCancellationRequested)
    {
        var partial = new StringBuilder("| cell | T | held-out loss so far | steps done |\n|---|---:|---:|---:|\n");
        foreach (TrainingResult r in results)
            partial.AppendLine($"| {r.Cell} | {r.Length} | {r.FinalLoss:F4} | {r.InterruptedAt ?? options.Steps} |");
        File.WriteAllText(Path.Combine(folder, "results.md"), $"# Interrupted\n\nThe runs so far; rerun with the same options and --resume to continue exactly.\n\n{partial}");
        Console.WriteLine($"Interrupted: saved the run in {Path.Combine(folder, "checkpoints")} and the results so far in {Path.Combine(folder, "results.md")}; rerun with the same options and --resume to continue.");
        return 130;
    }

    var table = new StringBuilder();
    table.AppendLine($"| cell | T | final held-out {(tasks[0].Classes == 0 ? "MSE" : "cross-entropy (nats)")} | baseline | solved | steps to solve | γ at initialisation | ‖∂L/∂h‖ at distance T−1 / at 0, initialised | time |");
    table.AppendLine("|---|---:|---:|---:|---|---:|---:|---:|---:|");
    foreach (TrainingResult r in results)
        table.AppendLine($"| {r.Cell} | {r.Length} | {r.FinalLoss:F4} | {r.Baseline:F3} | {(r.Solved ? "yes" : "no")} | {(r.StepsToSolve?.ToString(CultureInfo.InvariantCulture) ?? "-")} | {r.GammaAtInit:F3} | {r.NormsAtInit[^1] / Math.Max(r.NormsAtInit[0], 1e-30):E1} | {r.Time.TotalSeconds:F1} s |");
    Console.WriteLine();
    Console.Write(table);
    var exploding = ExplodingGradients.Run(options.Seed);
    ExplodingGradients.Chart(exploding, ExplodingGradients.Length, ExplodingGradients.Scale, options.Seed, folder);
    var verdicts = new StringBuilder();
    foreach (ISequenceTask t in tasks)
        verdicts.AppendLine("- " + Verdicts.Solved(results, t.Length, options));
    foreach (var series in exploding)
    {
        string line = Verdicts.Exploding(series);
        Console.WriteLine(line);
        verdicts.AppendLine("- " + line);
    }
    var report = new StringBuilder();
    report.AppendLine($"# {taskName}: which cells carry information across T steps (seed {options.Seed})");
    report.AppendLine();
    report.AppendLine($"{options.Steps} steps of batch {options.Batch}, hidden {options.Hidden}, {optimizerName} lr {options.LearningRate}, clip {clipMode} {options.ClipThreshold}, {(options.Chrono ? "chrono initialisation" : "default initialisation")}; solved means a held-out loss below a tenth of the baseline ({tasks[0].BaselineMeaning}). γ is measured at initialisation from the slope of log ‖∂L/∂h_k‖ against t − k: below 1 the gradient vanishes with distance, above 1 it explodes.");
    report.AppendLine();
    report.Append(table);
    report.AppendLine();
    report.Append(verdicts);
    report.AppendLine();
    foreach (ISequenceTask t in tasks)
        report.AppendLine($"![held-out loss, T = {t.Length}](loss-T{t.Length}.png) ![gradient norms, T = {t.Length}](gradient-norms-T{t.Length}.png)");
    report.AppendLine("![exploding gradient: training loss](exploding-loss.png) ![exploding gradient: gradient norm](exploding-gradient-norm.png)");
    File.WriteAllText(Path.Combine(folder, "results.md"), report.ToString());
    var curves = new StringBuilder("cell,length,step,heldout_loss\n");
    foreach (TrainingResult r in results)
        foreach (var (step, loss) in r.Curve)
            curves.Append(CultureInfo.InvariantCulture, $"{r.Cell},{r.Length},{step},{loss:R}\n");
    File.WriteAllText(Path.Combine(folder, "loss-curves.csv"), curves.ToString());
    var norms = new StringBuilder("cell,length,distance,norm_at_init,norm_trained\n");
    foreach (TrainingResult r in results)
        for (int d = 0; d < r.Length; d++)
            norms.Append(CultureInfo.InvariantCulture, $"{r.Cell},{r.Length},{d},{r.NormsAtInit[d]:R},{r.NormsTrained[d]:R}\n");
    File.WriteAllText(Path.Combine(folder, "gradient-norms.csv"), norms.ToString());
    var chartLengths = new List<int>();
    foreach (ISequenceTask t in tasks)
        chartLengths.Add(t.Length);
    Charts.WriteAll(results, chartLengths, folder);
    Console.WriteLine($"Wrote results.md, loss-curves.csv, gradient-norms.csv and the charts (loss-T*.png, gradient-norms-T*.png, exploding-*.png) to {folder}.");
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

static int Positive(int value, string name) => value > 0 ? value : throw new ArgumentException($"{name} must be positive.");
