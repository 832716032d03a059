// The README's example cell, verbatim: ReadmeTests checks the two stay the same.
using SeqGen;

namespace MyModels;

// GRU as in Cho et al. (2014): reset gate applied before the recurrent product.
[RecurrentCell(Inputs = "x")]
[Gate("z = sigmoid(W_z @ x + U_z @ h + b_z)")]
[Gate("r = sigmoid(W_r @ x + U_r @ h + b_r)")]
[Gate("n = tanh(W_n @ x + U_n @ (r * h) + b_n)")]
[Gate("h' = z * h + (1 - z) * n")]
public partial class MyGru;
