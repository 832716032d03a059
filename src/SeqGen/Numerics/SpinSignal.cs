using System.Diagnostics;
using System.Threading;

namespace SeqGen.Numerics;

/// <summary>
/// A signal from one thread to another that the receiver spins on, with pause instructions only,
/// for a bounded time before it blocks. A step's parallel phases are separated by serial gaps of
/// microseconds; a thread that blocks in one of them pays a wake-up of tens of microseconds on a
/// VM and may be woken on the waker's core, and a thread that yields its core between checks
/// (as <see cref="ManualResetEventSlim"/>'s spin does) can be descheduled for a whole time slice.
/// Each <see cref="Set"/> is consumed by exactly one <see cref="Wait"/>.
/// </summary>
internal sealed class SpinSignal
{
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
    private readonly long _spinTicks;
    private long _sent;
    private long _received;
    private int _sleeping;

    /// <param name="spinMicroseconds">How long <see cref="Wait"/> spins before it blocks.</param>
    public SpinSignal(int spinMicroseconds) => _spinTicks = Stopwatch.Frequency * spinMicroseconds / 1_000_000;

    public void Set()
    {
        // The increment is a full fence: the receiver either sees the new count or has already
        // announced that it sleeps (it announces, then reads the count), so no wake-up is lost.
        Interlocked.Increment(ref _sent);
        if (Volatile.Read(ref _sleeping) != 0)
            _wake.Set();
    }

    public void Wait()
    {
        long expected = _received + 1;
        long started = 0;
        for (int i = 0; Volatile.Read(ref _sent) < expected; i++)
        {
            Thread.SpinWait(4);
            if ((i & 31) != 31)
                continue;
            long now = Stopwatch.GetTimestamp();
            if (started == 0)
                started = now;
            else if (now - started > _spinTicks)
            {
                Block(expected);
                break;
            }
        }
        _received = expected;
    }

    private void Block(long expected)
    {
        while (true)
        {
            _wake.Reset();
            Interlocked.Exchange(ref _sleeping, 1);
            if (Volatile.Read(ref _sent) >= expected)
                break;
            _wake.Wait();
            Volatile.Write(ref _sleeping, 0);
            if (Volatile.Read(ref _sent) >= expected)
                return;
        }
        Volatile.Write(ref _sleeping, 0);
    }
}
