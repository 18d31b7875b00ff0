package dev.portcullis.dataplane.passthrough;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Counts the bytes a channel reads from its socket, whether into buffers or spliced into a pipe:
 * splice(2) moves the bytes inside the kernel and the pipeline never sees them, but Netty reports
 * every read, spliced or not, to the channel's receive-buffer handle, which this wraps. It must be
 * installed before the channel's first read (Netty keeps the first handle it makes).
 */
final class ReadCounter implements RecvByteBufAllocator {

    private final RecvByteBufAllocator delegate;
    private long bytes;

    private ReadCounter(RecvByteBufAllocator delegate) {
        this.delegate = delegate;
    }

    static void install(Channel channel) {
        ChannelConfig config = channel.config();
        if (!(config.getRecvByteBufAllocator() instanceof ReadCounter)) {
            config.setRecvByteBufAllocator(new ReadCounter(config.getRecvByteBufAllocator()));
        }
    }

    /** The counter of a channel, or null when none was installed. */
    static ReadCounter of(Channel channel) {
        return channel.config().getRecvByteBufAllocator() instanceof ReadCounter counter ? counter : null;
    }

    /** Bytes read so far; read on the channel's event loop. */
    long bytes() {
        return bytes;
    }

    @Override
    public Handle newHandle() {
        return new CountingHandle((ExtendedHandle) delegate.newHandle());
    }

    private final class CountingHandle implements ExtendedHandle {
        private final ExtendedHandle handle;

        CountingHandle(ExtendedHandle handle) {
            this.handle = handle;
        }

        @Override
        public void lastBytesRead(int count) {
            if (count > 0) {
                bytes += count;
            }
            handle.lastBytesRead(count);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return handle.allocate(alloc);
        }

        @Override
        public int guess() {
            return handle.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            handle.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            handle.incMessagesRead(numMessages);
        }

        @Override
        public int lastBytesRead() {
            return handle.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int count) {
            handle.attemptedBytesRead(count);
        }

        @Override
        public int attemptedBytesRead() {
            return handle.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return handle.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return handle.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            handle.readComplete();
        }
    }
}
