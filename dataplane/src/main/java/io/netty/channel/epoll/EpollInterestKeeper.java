package io.netty.channel.epoll;

import io.netty.channel.Channel;

import java.io.IOException;

/**
 * Works around a Netty 4.2.18 epoll bug that breaks half-closed connections. When a channel's
 * interest set becomes empty (input ended, so neither EPOLLIN nor EPOLLRDHUP, and no write waiting)
 * Netty removes its descriptor from epoll (EPOLL_CTL_DEL) but keeps the registration marked as
 * added; the next write that has to wait for EPOLLOUT then fails in EPOLL_CTL_MOD with ENOENT, and
 * Netty shuts the output down, cutting the rest of the other direction. Keeping EPOLLERR in the
 * interest set (the kernel reports it whether asked or not, so no event changes) keeps the set
 * from ever being empty. In Netty's package because {@code setFlag} is protected.
 */
public final class EpollInterestKeeper {

    private EpollInterestKeeper() {
    }

    /**
     * Keeps {@code channel}, if an epoll one, registered with epoll however its reads and writes come
     * and go; on its event loop. False when that failed (the channel is gone).
     */
    public static boolean keepRegistered(Channel channel) {
        if (channel instanceof AbstractEpollChannel epoll) {
            try {
                epoll.setFlag(Native.EPOLLERR);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
