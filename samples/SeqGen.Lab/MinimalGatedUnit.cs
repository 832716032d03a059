using SeqGen;

namespace SeqGen.Lab;

/// <summary>
/// A cell of the sample's own: the minimal gated unit (Zhou et al., 2016), one gate doing the
/// work of GRU's two. Declared exactly as the stock cells are.
/// </summary>
[RecurrentCell(Inputs = "x")]
[Gate("f = sigmoid(W_f @ x + U_f @ h + b_f)")]
[Gate("n = tanh(W_n @ x + U_n @ (f * h) + b_n)")]
[Gate("h' = (1 - f) * h + f * n")]
public partial class MinimalGatedUnit;
