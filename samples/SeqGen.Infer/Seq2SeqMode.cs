using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Models;
using SeqGen.Modules;
using SeqGen.Runners;

/// <summary>
/// seqgen-infer --seq2seq: decodes text with an encoder–decoder the lab saved (weights by name,
/// and metadata naming the cells, sizes and character vocabularies).
/// </summary>
internal static class Seq2SeqMode
{
    public static int Run(string path, string source, int beam)
    {
        var meta = new SavedMetadata(path, "--seq2seq");
        string Get(string key) => meta.Get(key);
        int Number(string key) => meta.Number(key);
        if (Get("model") != "seq2seq" || Get("encoder_cell") != "Gru" || Get("decoder_cell") != "AttentionGru")
            throw new InvalidDataException($"{path} holds a {Get("model")} of {Get("encoder_cell")} and {Get("decoder_cell")}; this tool decodes a seq2seq of Gru and AttentionGru.");
        AttentionScore? score = Get("score") switch
        {
            "additive" => AttentionScore.Additive,
            "general" => AttentionScore.General,
            "dot" => AttentionScore.Dot,
            "none" => null,
            var other => throw new InvalidDataException($"{path}: unknown attention score '{other}'."),
        };
        string sourceCharacters = Get("source_vocabulary"), targetCharacters = Get("target_vocabulary");
        int embedding = Number("embedding"), encoderHidden = Number("encoder_hidden"), decoderHidden = Number("decoder_hidden"), maxLength = Number("max_length");
        var encoder = new RecurrentStack<float>((layer, direction, input) => new Gru(input, encoderHidden), inputSize: embedding, layers: 1, bidirectional: true);
        var decoder = new AttentionGru(ySize: embedding, ctxSize: 2 * encoderHidden, hiddenSize: decoderHidden);
        var model = new Seq2Seq<float>(sourceCharacters.Length, targetCharacters.Length, embedding, encoder, decoder,
            int.Parse(Get("begin"), CultureInfo.InvariantCulture), int.Parse(Get("end"), CultureInfo.InvariantCulture), score);
        Weights.Load(path, model);
        if (source.Length == 0 || source.Length > maxLength)
            throw new ArgumentException($"--source has {source.Length} characters; the model takes 1 to {maxLength}.");
        var ids = new int[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            ids[i] = sourceCharacters.IndexOf(source[i]);
            if (ids[i] < 0)
                throw new ArgumentException($"--source: '{source[i]}' (position {i + 1}) is not in the model's source vocabulary.");
        }
        int[] decoded = beam > 1
            ? model.BeamSearch(new[] { ids }, beam, maxLength)[0]
            : model.Greedy(model.CreateWorkspace(source.Length, maxLength, 1), new[] { ids }, maxLength)[0];
        var text = new char[decoded.Length];
        for (int i = 0; i < decoded.Length; i++)
            text[i] = targetCharacters[decoded[i]];
        Console.WriteLine(new string(text));
        return 0;
    }
}
