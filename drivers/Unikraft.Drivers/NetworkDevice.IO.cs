// NetworkDevice: receiving and sending frames, synchronously and asynchronously (the device file is non-blocking;
// waits go through poll, the asynchronous ones through one poller thread per open device).
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Unikraft.Drivers;

public sealed partial class NetworkDevice
{
    private readonly Poller _poller;

    /// <summary>
    /// Receives the next frame into <paramref name="frame"/>, waiting for one. A frame longer than the buffer is
    /// truncated to it and its rest dropped (as <c>recv</c> on a Linux packet socket); a buffer of
    /// <see cref="MaxFrameSize"/> bytes holds any frame.
    /// </summary>
    /// <param name="frame">Receives the frame, from the Ethernet header on; at least 14 bytes.</param>
    /// <returns>The number of bytes stored.</returns>
    /// <exception cref="ArgumentException">The buffer cannot hold an Ethernet header.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed (also while waiting).</exception>
    public int Receive(Span<byte> frame)
    {
        CheckReceiveBuffer(frame.Length);
        while (true)
        {
            int length = TryRead(frame);
            if (length >= 0)
            {
                return length;
            }

            WaitSync(Native.POLLIN);
        }
    }

    /// <summary>Receives the next frame if one is waiting, without blocking; otherwise returns false.</summary>
    /// <param name="frame">Receives the frame, as for <see cref="Receive"/>.</param>
    /// <param name="length">The number of bytes stored.</param>
    /// <exception cref="ArgumentException">The buffer cannot hold an Ethernet header.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public bool TryReceive(Span<byte> frame, out int length)
    {
        CheckReceiveBuffer(frame.Length);
        length = TryRead(frame);
        if (length >= 0)
        {
            return true;
        }

        length = 0;
        return false;
    }

    /// <summary>
    /// Receives the next frame into <paramref name="frame"/> without blocking the caller; truncation as for
    /// <see cref="Receive"/>.
    /// </summary>
    /// <param name="frame">Receives the frame, from the Ethernet header on; at least 14 bytes.</param>
    /// <param name="cancellationToken">Ends the wait for a frame (a frame already taken is returned).</param>
    /// <returns>The number of bytes stored.</returns>
    /// <exception cref="ArgumentException">The buffer cannot hold an Ethernet header (thrown at once).</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed (also while waiting).</exception>
    public async ValueTask<int> ReceiveAsync(Memory<byte> frame, CancellationToken cancellationToken = default)
    {
        CheckReceiveBuffer(frame.Length);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = TryRead(frame.Span);
            if (length >= 0)
            {
                return length;
            }

            await _poller.WaitAsync(Native.POLLIN, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one frame, waiting while the device's transmit queue is full.</summary>
    /// <param name="frame">The frame from the Ethernet header on: 14 to <see cref="MaxFrameSize"/> bytes.</param>
    /// <exception cref="ArgumentException">The frame is shorter than an Ethernet header or longer than <see cref="MaxFrameSize"/>.</exception>
    /// <exception cref="IOException">The link is down, or the device refused the frame.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed (also while waiting).</exception>
    public void Send(ReadOnlySpan<byte> frame)
    {
        CheckFrame(frame.Length);
        while (!TryWrite(frame))
        {
            WaitSync(Native.POLLOUT);
        }
    }

    /// <summary>Sends one frame without blocking the caller, waiting while the device's transmit queue is full.</summary>
    /// <param name="frame">The frame from the Ethernet header on: 14 to <see cref="MaxFrameSize"/> bytes.</param>
    /// <param name="cancellationToken">Ends the wait for room (a frame already sent stays sent).</param>
    /// <exception cref="ArgumentException">The frame is shorter than an Ethernet header or longer than <see cref="MaxFrameSize"/> (thrown at once).</exception>
    /// <exception cref="IOException">The link is down, or the device refused the frame.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed (also while waiting).</exception>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        CheckFrame(frame.Length);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryWrite(frame.Span))
            {
                return;
            }

            await _poller.WaitAsync(Native.POLLOUT, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckReceiveBuffer(int length)
    {
        if (length < EthernetHeader)
        {
            throw new ArgumentException(
                $"A receive buffer of {length} bytes cannot hold an Ethernet header ({EthernetHeader} bytes); " +
                $"{MaxFrameSize} bytes (MaxFrameSize) hold any frame of {Path}.", "frame");
        }
    }

    private void CheckFrame(int length)
    {
        if (length < EthernetHeader || length > MaxFrameSize)
        {
            throw new ArgumentException(
                $"A frame of {length} bytes cannot be sent on {Path}: a frame holds an Ethernet header and a payload up to the " +
                $"MTU, {EthernetHeader} to {MaxFrameSize} bytes (MaxFrameSize: MTU {Mtu} + 18 for the header and a VLAN tag).",
                "frame");
        }
    }

    /// <summary>One read of the device: the frame's length, or -1 when none is waiting.</summary>
    private unsafe int TryRead(Span<byte> frame)
    {
        int fd = Fd;
        while (true)
        {
            nint n;
            fixed (byte* p = frame)
            {
                n = Native.Read(fd, p, (nuint)frame.Length);
            }

            if (n >= 0)
            {
                return (int)n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == Native.EAGAIN)
            {
                return -1;
            }

            if (errno != Native.EINTR)
            {
                throw Failure("receive from", errno);
            }
        }
    }

    /// <summary>One write of the device: false when its transmit queue is full.</summary>
    private unsafe bool TryWrite(ReadOnlySpan<byte> frame)
    {
        int fd = Fd;
        while (true)
        {
            nint n;
            fixed (byte* p = frame)
            {
                n = Native.Write(fd, p, (nuint)frame.Length);
            }

            if (n >= 0)
            {
                return true;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == Native.EAGAIN)
            {
                return false;
            }

            if (errno == Native.ENETDOWN)
            {
                throw new IOException($"The link of {Name} is down: the frame was not sent ({Path}).");
            }

            if (errno != Native.EINTR)
            {
                throw Failure("send on", errno);
            }
        }
    }

    private IOException Failure(string what, int errno) =>
        new($"Cannot {what} {Path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");

    /// <summary>Blocks until the device is ready for <paramref name="events"/>, checking a few times a second for Dispose.</summary>
    private void WaitSync(short events)
    {
        while (!Native.PollOne(Fd, events, 250))
        {
        }
    }

    /// <summary>
    /// Completes asynchronous waits: a thread, started by the first one, that polls the device for what the waiters
    /// want and an eventfd that announces new waiters and the end.
    /// </summary>
    private sealed class Poller
    {
        private readonly NetworkDevice _device;
        private readonly object _lock = new();
        private readonly List<Waiter> _waiters = [];
        private int _wake = -1;
        private Thread? _thread;
        private bool _stopped;

        public Poller(NetworkDevice device) => _device = device;

        public Task WaitAsync(short events, CancellationToken cancellationToken)
        {
            var waiter = new Waiter(events);
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_stopped, _device);
                if (_thread is null)
                {
                    _wake = Native.EventFd();
                    _thread = new Thread(Run) { IsBackground = true, Name = $"NetworkDevice {_device.Name}" };
                    _thread.Start();
                }

                _waiters.Add(waiter);
                Native.Signal(_wake);
            }

            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.Register(() =>
                {
                    lock (_lock)
                    {
                        _waiters.Remove(waiter);
                    }

                    waiter.Completion.TrySetCanceled(cancellationToken);
                });
            }

            return waiter.Completion.Task;
        }

        public void Stop()
        {
            Thread? thread;
            lock (_lock)
            {
                _stopped = true;
                thread = _thread;
                if (thread is not null)
                {
                    Native.Signal(_wake);
                }
            }

            if (thread is not null && thread != Thread.CurrentThread)
            {
                thread.Join();
            }

            List<Waiter> left;
            lock (_lock)
            {
                left = [.. _waiters];
                _waiters.Clear();
            }

            foreach (Waiter waiter in left)
            {
                waiter.Registration.Dispose();
                waiter.Completion.TrySetException(new ObjectDisposedException(nameof(NetworkDevice), $"{_device.Path} was closed."));
            }

            if (_wake >= 0)
            {
                Native.Close(_wake);
            }
        }

        private void Run()
        {
            while (true)
            {
                short wanted = 0;
                lock (_lock)
                {
                    if (_stopped)
                    {
                        return;
                    }

                    foreach (Waiter waiter in _waiters)
                    {
                        wanted |= waiter.Events;
                    }
                }

                short ready = Native.PollTwo(_device._fd, wanted, _wake);
                var done = new List<Waiter>();
                lock (_lock)
                {
                    _waiters.RemoveAll(waiter =>
                    {
                        // Errors wake everyone: the retried read or write reports them.
                        if ((ready & (waiter.Events | Native.POLLERR | Native.POLLHUP | Native.POLLNVAL)) == 0)
                        {
                            return false;
                        }

                        done.Add(waiter);
                        return true;
                    });
                }

                foreach (Waiter waiter in done)
                {
                    waiter.Registration.Dispose();
                    waiter.Completion.TrySetResult();
                }
            }
        }

        private sealed class Waiter(short events)
        {
            public short Events { get; } = events;

            public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public CancellationTokenRegistration Registration { get; set; }
        }
    }
}
