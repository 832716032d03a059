namespace SeqGen.Numerics;

// Workspaces that size themselves to the largest batch seen.
internal static class Buffers
{
    // Grows by half again, so that a slightly larger batch does not allocate each time.
    public static void Grow<TElement>(ref TElement[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new TElement[length + length / 2];
    }
}
