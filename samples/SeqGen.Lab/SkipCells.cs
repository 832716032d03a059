using SeqGen;

namespace SeqGen.Lab;

/// <summary>An Elman network with a skip connection 10 steps back in time (the stock SkipRnn skips 4).</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = tanh(W @ x + U @ h + S @ h[t-10] + b)")]
public partial class SkipRnn10;

/// <summary>An Elman network with a skip connection 25 steps back in time.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = tanh(W @ x + U @ h + S @ h[t-25] + b)")]
public partial class SkipRnn25;
