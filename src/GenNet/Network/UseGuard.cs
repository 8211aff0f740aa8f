using System.ComponentModel;

namespace GenNet;

/// <summary>
/// Catches the two ways a generated network can be misused whatever its size or thread count: a call while another call
/// (from another thread) is still running, and a call after <c>Dispose</c>. For generated code.
/// </summary>
/// <remarks>
/// Every public entry of a generated network enters the guard before it touches an arena and exits it in a
/// <c>finally</c>. Entering is one compare-exchange, so two calls that overlap always meet: the later one throws
/// <see cref="InvalidOperationException"/> before it changes anything, and the earlier one completes as if alone.
/// Without the guard a single-threaded network shared by two threads corrupts its parameters silently.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct UseGuard
{
    private const int Idle = 0, Busy = 1, Disposed = 2;
    private int _state;

    /// <summary>Marks the network busy.</summary>
    /// <exception cref="InvalidOperationException">Another call is running on another thread.</exception>
    /// <exception cref="ObjectDisposedException">The network was disposed.</exception>
    public void Enter(object network)
    {
        int previous = Interlocked.CompareExchange(ref _state, Busy, Idle);
        if (previous != Idle)
        {
            Throw(previous, network);
        }
    }

    /// <summary>Marks the network idle again.</summary>
    public void Exit() => Volatile.Write(ref _state, Idle);

    /// <summary>Marks the network disposed; true the first time, when the caller releases its resources.</summary>
    /// <exception cref="InvalidOperationException">A call is running on another thread.</exception>
    public bool Dispose(object network)
    {
        int previous = Interlocked.CompareExchange(ref _state, Disposed, Idle);
        if (previous == Busy)
        {
            Throw(previous, network);
        }
        return previous == Idle;
    }

    private static void Throw(int state, object network)
    {
        string name = network.GetType().Name;
        if (state == Disposed)
        {
            throw new ObjectDisposedException(name);
        }
        throw new InvalidOperationException(
            $"{name} is already running a call on another thread. A network is not thread-safe: give each thread its own (they can share parameters by copying Parameters).");
    }
}
