using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>How a memory network turns a sentence's word vectors into one vector.</summary>
public enum SentenceEncoding
{
    /// <summary>The sum of the word vectors.</summary>
    BagOfWords,
    /// <summary>
    /// Sukhbaatar et al. 2015's position encoding: word j (1-based) of a sentence of J words is
    /// weighted per feature k (1-based, of d) by l_kj = (1 − j/J) − (k/d)(1 − 2j/J).
    /// </summary>
    PositionPaper,
    /// <summary>
    /// The authors' MATLAB code's position encoding (which differs from the paper's):
    /// l_kj = 1 + 4 (k − (d + 1)/2)(j − (J + 1)/2) / (d J), with J the longest sentence of the data.
    /// </summary>
    PositionCode,
}

/// <summary>How a memory network shares its embeddings between hops (Sukhbaatar et al. 2015, §2.2).</summary>
public enum WeightTying
{
    /// <summary>A^{k+1} = C^k, B = A^1, Wᵀ = C^K (and the temporal matrices likewise): K + 1 embeddings.</summary>
    Adjacent,
    /// <summary>A^k = A, C^k = C for every hop, and u^{k+1} = H u^k + o^k with a learned H.</summary>
    LayerWise,
}

/// <summary>
/// An end-to-end memory network (MemN2N, Sukhbaatar et al. 2015): a story's sentences embedded as
/// memories m_i (input embedding A) and c_i (output embedding C), the question as u (embedding B),
/// then K hops of p = softmax(uᵀ m_i), o = Σ p_i c_i, u ← u + o, and the answer softmax(W u).
/// Memory slots beyond a story are masked (exactly zero weight and gradient); temporal encoding
/// adds a learned vector per slot (slot 0 is the latest sentence); linear start removes the hops'
/// softmax. Its parameters are <c>embedding0</c>…<c>embeddingK</c> and <c>temporal0</c>… (adjacent
/// tying) or <c>A</c>, <c>B</c>, <c>C</c>, <c>W</c>, <c>H</c>, <c>temporalA</c>, <c>temporalC</c>
/// (layer-wise), all initialised N(0, 0.1²) as the paper.
/// </summary>
public sealed class MemoryNetwork<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _memoryMatrix, _memoryTemporal;
    private readonly int _question, _answer, _h;
    private readonly T[][] _weights;

    /// <summary>A memory network over a vocabulary of <paramref name="vocabulary"/> words.</summary>
    /// <param name="vocabulary">Words (ids 0 to vocabulary − 1); the answer is one of them.</param>
    /// <param name="sentenceLength">Most words in a sentence or question.</param>
    /// <param name="dimension">d, the embedding size.</param>
    /// <param name="hops">K.</param>
    /// <param name="memorySize">Most sentences a story keeps (the latest ones).</param>
    /// <param name="encoding">How words make a sentence vector.</param>
    /// <param name="temporal">Whether each memory slot adds a learned temporal vector.</param>
    /// <param name="tying">How hops share embeddings.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public MemoryNetwork(int vocabulary, int sentenceLength, int dimension = 20, int hops = 3, int memorySize = 50,
        SentenceEncoding encoding = SentenceEncoding.PositionPaper, bool temporal = true, WeightTying tying = WeightTying.Adjacent, int seed = 0)
        : base(Layout(vocabulary, sentenceLength, dimension, hops, memorySize, temporal, tying))
    {
        if (!Enum.IsDefined(encoding))
            throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown sentence encoding.");
        Vocabulary = vocabulary;
        SentenceLength = sentenceLength;
        Dimension = dimension;
        Hops = hops;
        MemorySize = memorySize;
        Encoding = encoding;
        Temporal = temporal;
        Tying = tying;
        int embeddings = tying == WeightTying.Adjacent ? hops + 1 : 2;
        _memoryMatrix = new int[embeddings];
        _memoryTemporal = new int[embeddings];
        string[] names = tying == WeightTying.Adjacent ? Names("embedding", embeddings) : new[] { "A", "C" };
        string[] temporalNames = tying == WeightTying.Adjacent ? Names("temporal", embeddings) : new[] { "temporalA", "temporalC" };
        for (int e = 0; e < embeddings; e++)
        {
            _memoryMatrix[e] = Offset(names[e]);
            _memoryTemporal[e] = temporal ? Offset(temporalNames[e]) : -1;
        }
        _question = Offset(tying == WeightTying.Adjacent ? "embedding0" : "B");
        _answer = Offset(tying == WeightTying.Adjacent ? "embedding" + hops : "W");
        _h = tying == WeightTying.LayerWise ? Offset("H") : -1;
        Initializers.Normal<T>(Parameters, 0, 0.1, new SeededRandom(seed));
        _weights = new T[sentenceLength + 1][];
        for (int n = 1; n <= sentenceLength; n++)
            _weights[n] = EncodingWeights(encoding, n, sentenceLength, dimension);
    }

    /// <summary>Words in the vocabulary.</summary>
    public int Vocabulary { get; }

    /// <summary>Most words in a sentence or question.</summary>
    public int SentenceLength { get; }

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>K.</summary>
    public int Hops { get; }

    /// <summary>Most memory slots.</summary>
    public int MemorySize { get; }

    /// <summary>The sentence encoding.</summary>
    public SentenceEncoding Encoding { get; }

    /// <summary>Whether memory slots add temporal vectors.</summary>
    public bool Temporal { get; }

    /// <summary>The weight tying.</summary>
    public WeightTying Tying { get; }

    /// <summary>Linear start: when true the hops use p = uᵀ m_i without the softmax (the answer's softmax stays).</summary>
    public bool LinearStart { get; set; }

    /// <summary>Allocates every buffer of a pass over a batch of <paramref name="batch"/> questions.</summary>
    public MemoryWorkspace<T> CreateWorkspace(int batch) => new(this, batch);

    private static string[] Names(string stem, int count)
    {
        var names = new string[count];
        for (int i = 0; i < count; i++)
            names[i] = stem + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }

    private static ParameterInfo[] Layout(int vocabulary, int sentenceLength, int dimension, int hops, int memorySize, bool temporal, WeightTying tying)
    {
        RequirePositive(vocabulary, nameof(vocabulary));
        RequirePositive(sentenceLength, nameof(sentenceLength));
        RequirePositive(dimension, nameof(dimension));
        RequirePositive(hops, nameof(hops));
        RequirePositive(memorySize, nameof(memorySize));
        if (!Enum.IsDefined(tying))
            throw new ArgumentOutOfRangeException(nameof(tying), tying, "Unknown weight tying.");
        var infos = new System.Collections.Generic.List<ParameterInfo>();
        int offset = 0;
        void Add(string name, int rows, int columns)
        {
            infos.Add(new ParameterInfo(name, ParameterKind.Matrix, offset, rows, columns, true));
            offset += rows * columns;
        }
        if (tying == WeightTying.Adjacent)
        {
            for (int e = 0; e <= hops; e++)
                Add("embedding" + e.ToString(System.Globalization.CultureInfo.InvariantCulture), vocabulary, dimension);
            if (temporal)
            {
                for (int e = 0; e <= hops; e++)
                    Add("temporal" + e.ToString(System.Globalization.CultureInfo.InvariantCulture), memorySize, dimension);
            }
        }
        else
        {
            foreach (string name in new[] { "A", "B", "C", "W" })
                Add(name, vocabulary, dimension);
            Add("H", dimension, dimension);
            if (temporal)
            {
                Add("temporalA", memorySize, dimension);
                Add("temporalC", memorySize, dimension);
            }
        }
        return infos.ToArray();
    }

    private static void RequirePositive(int value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }

    private int Offset(string name)
    {
        foreach (ParameterInfo info in ParameterInfos)
        {
            if (info.Name == name)
                return info.Offset;
        }
        throw new InvalidOperationException($"No parameter {name}.");
    }

    /// <summary>The weights l[j·d + k] of the words of a sentence of <paramref name="words"/> words.</summary>
    private static T[] EncodingWeights(SentenceEncoding encoding, int words, int longest, int d)
    {
        var weights = new T[words * d];
        for (int j = 1; j <= words; j++)
        {
            for (int k = 1; k <= d; k++)
            {
                weights[(j - 1) * d + k - 1] = T.CreateTruncating(encoding switch
                {
                    SentenceEncoding.PositionPaper => (1 - (double)j / words) - (double)k / d * (1 - 2.0 * j / words),
                    SentenceEncoding.PositionCode => 1 + 4 * (k - (d + 1) / 2.0) * (j - (longest + 1) / 2.0) / d / longest,
                    _ => 1,
                });
            }
        }
        return weights;
    }

    /// <summary>Runs the network over the workspace's batch and returns the mean cross-entropy over its questions.</summary>
    public T Forward(MemoryWorkspace<T> workspace)
    {
        Run(workspace);
        return workspace.ComputeLoss();
    }

    /// <summary>Runs the network without a loss; read <see cref="MemoryWorkspace{T}.Logits"/>.</summary>
    public ReadOnlySpan<T> Predict(MemoryWorkspace<T> workspace)
    {
        Run(workspace);
        return workspace.Logits;
    }

    /// <summary>Back-propagates the last <see cref="Forward"/>'s loss, adding every parameter's gradient.</summary>
    public void Backward(MemoryWorkspace<T> workspace)
    {
        Check(workspace);
        if (!workspace.LossComputed)
            throw new InvalidOperationException("Backward needs the loss of a Forward over the same workspace (Predict computes none); call Forward first.");
        int d = Dimension, m = MemorySize, v = Vocabulary;
        T[] g = Gradients, p = Parameters;
        workspace.ClearGradients();
        for (int b = 0; b < workspace.Count; b++)
        {
            ReadOnlySpan<T> dLogits = workspace.LogitGradient.Slice(b * v, v);
            Span<T> du = workspace.StateGradient(Hops, b);
            ReadOnlySpan<T> u = workspace.State(Hops, b);
            // logits[w] = W[w] · u^{K+1}
            for (int w = 0; w < v; w++)
            {
                Numerics.Gemm.AddScaled(g.AsSpan(_answer + w * d, d), dLogits[w], u);
                Numerics.Gemm.AddScaled(du, dLogits[w], p.AsSpan(_answer + w * d, d));
            }
            int slots = workspace.Slots(b);
            for (int k = Hops - 1; k >= 0; k--)
            {
                ReadOnlySpan<T> du1 = workspace.StateGradient(k + 1, b);
                Span<T> duk = workspace.StateGradient(k, b);
                ReadOnlySpan<T> uk = workspace.State(k, b);
                // u^{k+1} = u^k + o^k, or H u^k + o^k (layer-wise).
                if (_h < 0)
                {
                    Numerics.Gemm.AddScaled(duk, T.One, du1);
                }
                else
                {
                    for (int r = 0; r < d; r++)
                    {
                        Numerics.Gemm.AddScaled(g.AsSpan(_h + r * d, d), du1[r], uk);
                        Numerics.Gemm.AddScaled(duk, du1[r], p.AsSpan(_h + r * d, d));
                    }
                }
                int input = k, output = k + 1;
                if (Tying == WeightTying.LayerWise)
                    (input, output) = (0, 1);
                ReadOnlySpan<T> probabilities = workspace.Attention(k, b);
                Span<T> dScores = workspace.ScoreGradient(b);
                // o = Σ p_i c_i: dc_i += p_i do, dp_i = do · c_i.
                for (int i = 0; i < slots; i++)
                {
                    Numerics.Gemm.AddScaled(workspace.MemoryGradient(output, b, i), probabilities[i], du1);
                    dScores[i] = Numerics.Gemm.Dot(du1, workspace.Memory(output, b, i));
                }
                if (!LinearStart)
                {
                    T mean = T.Zero;
                    for (int i = 0; i < slots; i++)
                        mean += probabilities[i] * dScores[i];
                    for (int i = 0; i < slots; i++)
                        dScores[i] = probabilities[i] * (dScores[i] - mean);
                }
                // s_i = u^k · m_i.
                for (int i = 0; i < slots; i++)
                {
                    Numerics.Gemm.AddScaled(duk, dScores[i], workspace.Memory(input, b, i));
                    Numerics.Gemm.AddScaled(workspace.MemoryGradient(input, b, i), dScores[i], uk);
                }
            }
            // The embeddings: every word's vector and the slot's temporal vector.
            for (int e = 0; e < workspace.Embeddings; e++)
            {
                for (int i = 0; i < slots; i++)
                {
                    ReadOnlySpan<T> dm = workspace.MemoryGradient(e, b, i);
                    AddWords(g, _memoryMatrix[e], workspace.SlotWords(b, i), dm);
                    if (_memoryTemporal[e] >= 0)
                        Numerics.Gemm.AddScaled(g.AsSpan(_memoryTemporal[e] + i * d, d), T.One, dm);
                }
            }
            AddWords(g, _question, workspace.QuestionWords(b), workspace.StateGradient(0, b));
        }
    }

    private void Run(MemoryWorkspace<T> workspace)
    {
        Check(workspace);
        workspace.LossComputed = false;
        int d = Dimension, v = Vocabulary;
        T[] p = Parameters;
        workspace.ClearValues();
        for (int b = 0; b < workspace.Count; b++)
        {
            int slots = workspace.Slots(b);
            for (int e = 0; e < workspace.Embeddings; e++)
            {
                for (int i = 0; i < slots; i++)
                {
                    Span<T> memory = workspace.Memory(e, b, i);
                    Embed(p, _memoryMatrix[e], workspace.SlotWords(b, i), memory);
                    if (_memoryTemporal[e] >= 0)
                        Numerics.Gemm.AddScaled(memory, T.One, p.AsSpan(_memoryTemporal[e] + i * d, d));
                }
            }
            Embed(p, _question, workspace.QuestionWords(b), workspace.State(0, b));
            for (int k = 0; k < Hops; k++)
            {
                int input = k, output = k + 1;
                if (Tying == WeightTying.LayerWise)
                    (input, output) = (0, 1);
                ReadOnlySpan<T> u = workspace.State(k, b);
                Span<T> probabilities = workspace.Attention(k, b);
                for (int i = 0; i < slots; i++)
                    probabilities[i] = Numerics.Gemm.Dot(u, workspace.Memory(input, b, i));
                if (!LinearStart)
                    SpanMath.Softmax(probabilities.Slice(0, slots));
                Span<T> next = workspace.State(k + 1, b);
                if (_h < 0)
                {
                    u.CopyTo(next);
                }
                else
                {
                    for (int r = 0; r < d; r++)
                        next[r] = Numerics.Gemm.Dot(p.AsSpan(_h + r * d, d), u);
                }
                for (int i = 0; i < slots; i++)
                    Numerics.Gemm.AddScaled(next, probabilities[i], workspace.Memory(output, b, i));
            }
            ReadOnlySpan<T> last = workspace.State(Hops, b);
            Span<T> logits = workspace.Logits.Slice(b * v, v);
            for (int w = 0; w < v; w++)
                logits[w] = Numerics.Gemm.Dot(p.AsSpan(_answer + w * d, d), last);
        }
    }

    // Σ_j l_j ⊙ E[word_j] over the sentence's words.
    private void Embed(T[] p, int matrix, ReadOnlySpan<int> words, Span<T> into)
    {
        into.Clear();
        if (words.IsEmpty)
            return;
        int d = Dimension;
        T[] weights = _weights[words.Length];
        for (int j = 0; j < words.Length; j++)
        {
            ReadOnlySpan<T> vector = p.AsSpan(matrix + words[j] * d, d), weight = weights.AsSpan(j * d, d);
            for (int k = 0; k < d; k++)
                into[k] += weight[k] * vector[k];
        }
    }

    private void AddWords(T[] g, int matrix, ReadOnlySpan<int> words, ReadOnlySpan<T> gradient)
    {
        if (words.IsEmpty)
            return;
        int d = Dimension;
        T[] weights = _weights[words.Length];
        for (int j = 0; j < words.Length; j++)
        {
            Span<T> row = g.AsSpan(matrix + words[j] * d, d);
            ReadOnlySpan<T> weight = weights.AsSpan(j * d, d);
            for (int k = 0; k < d; k++)
                row[k] += weight[k] * gradient[k];
        }
    }

    private void Check(MemoryWorkspace<T> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Network, this))
            throw new ArgumentException("The workspace was created by another network; create one with this network's CreateWorkspace.", nameof(workspace));
    }
}
