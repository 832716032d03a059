namespace SeqGen.Cells;

/// <summary>Leaky unit whose per-unit leak rate is learned: mu = sigmoid(a).</summary>
[RecurrentCell(Inputs = "x")]
[Param("a", Init = "2")]
[Gate("mu = sigmoid(a)")]
[Gate("h' = mu * h + (1 - mu) * tanh(W @ x + U @ h + b)")]
public partial class LearnedLeakyRnn;
