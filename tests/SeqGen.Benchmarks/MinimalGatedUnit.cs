using SeqGen;

namespace SeqGen.Benchmarks;

/// <summary>A user's own cell (minimal gated unit, Zhou et al. 2016), timed next to the stock Gru.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("f = sigmoid(W_f @ x + U_f @ h + b_f)")]
[Gate("n = tanh(W_n @ x + U_n @ (f * h) + b_n)")]
[Gate("h' = (1 - f) * h + f * n")]
public partial class MinimalGatedUnit;
