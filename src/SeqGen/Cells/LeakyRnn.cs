namespace SeqGen.Cells;

/// <summary>
/// Leaky unit with a preset leak rate: h' = mu h + (1 - mu) tanh(W x + U h + b). mu near 1 keeps
/// the past for long; near 0 forgets it fast. mu is a fixed hyper-parameter.
/// </summary>
[RecurrentCell(Inputs = "x")]
[Param("mu", Shape = "scalar", Init = "0.9", Trainable = false)]
[Gate("h' = mu * h + (1 - mu) * tanh(W @ x + U @ h + b)")]
public partial class LeakyRnn;
