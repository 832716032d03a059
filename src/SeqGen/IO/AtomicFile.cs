using System;
using System.IO;

namespace SeqGen.IO;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file beside it, is flushed to disk
/// and is then renamed over the old one, so a reader or a crash sees the old file or the new one,
/// never a mixture; a failed write leaves the old file and no temporary behind.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            throw;
        }
    }
}
