namespace SeqGen.Cells;

/// <summary>GRU as PyTorch and cuDNN compute it: the reset gate applies after the recurrent product, two biases.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("r = sigmoid(W_r @ x + b_ir + U_r @ h + b_hr)")]
[Gate("z = sigmoid(W_z @ x + b_iz + U_z @ h + b_hz)")]
[Gate("n = tanh(W_n @ x + b_in + r * (U_n @ h + b_hn))")]
[Gate("h' = (1 - z) * n + z * h")]
public partial class Gru;
