namespace SeqGen.Cells;

/// <summary>GRU as in Cho et al. (2014): the reset gate applies to h before the recurrent product.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("z = sigmoid(W_z @ x + U_z @ h + b_z)")]
[Gate("r = sigmoid(W_r @ x + U_r @ h + b_r)")]
[Gate("n = tanh(W_n @ x + U_n @ (r * h) + b_n)")]
[Gate("h' = z * h + (1 - z) * n")]
public partial class ChoGru;
