namespace SeqGen.Cells;

/// <summary>
/// A feed-forward controller for a Neural Turing Machine: one tanh layer of its input (the
/// external input and the previous reads), with no recurrence of its own, so the machine's memory
/// is its only state (Graves et al. 2014 compare it with an LSTM controller).
/// </summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = tanh(W @ x + b)")]
public partial class FeedForwardController;
