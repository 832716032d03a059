namespace SeqGen.Cells;

/// <summary>
/// The decoder of an attention model (Bahdanau et al. 2015): a GRU, in PyTorch's form, reading the
/// previous output's embedding y and the attention's context ctx at every step.
/// </summary>
[RecurrentCell(Inputs = "y, ctx")]
[Gate("r = sigmoid(W_r @ y + C_r @ ctx + b_ir + U_r @ h + b_hr)")]
[Gate("z = sigmoid(W_z @ y + C_z @ ctx + b_iz + U_z @ h + b_hz)")]
[Gate("n = tanh(W_n @ y + C_n @ ctx + b_in + r * (U_n @ h + b_hn))")]
[Gate("h' = (1 - z) * n + z * h")]
public partial class AttentionGru;
