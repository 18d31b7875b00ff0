package dev.portcullis.dataplane.access;

import dev.portcullis.dataplane.config.Cidr;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Networks parsed once into masks and network bits, so that a lookup is a few long comparisons per
 * network and parses nothing: what source ranges and rate-limit exemptions check on every request.
 */
public final class NetworkSet {

    private final long[] v4Network;
    private final long[] v4Mask;
    private final long[] v6NetworkHigh;
    private final long[] v6NetworkLow;
    private final long[] v6MaskHigh;
    private final long[] v6MaskLow;

    private NetworkSet(List<Cidr> networks) {
        List<Cidr> v4 = networks.stream().filter(Cidr::ipv4).toList();
        List<Cidr> v6 = networks.stream().filter(cidr -> !cidr.ipv4()).toList();
        v4Network = new long[v4.size()];
        v4Mask = new long[v4.size()];
        for (int i = 0; i < v4.size(); i++) {
            v4Mask[i] = v4.get(i).prefix() == 0 ? 0 : (0xFFFFFFFFL << (32 - v4.get(i).prefix())) & 0xFFFFFFFFL;
            v4Network[i] = bits(v4.get(i).address().getAddress(), 0, 4) & v4Mask[i];
        }
        v6NetworkHigh = new long[v6.size()];
        v6NetworkLow = new long[v6.size()];
        v6MaskHigh = new long[v6.size()];
        v6MaskLow = new long[v6.size()];
        for (int i = 0; i < v6.size(); i++) {
            int prefix = v6.get(i).prefix();
            v6MaskHigh[i] = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
            v6MaskLow[i] = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
            byte[] address = v6.get(i).address().getAddress();
            v6NetworkHigh[i] = bits(address, 0, 8) & v6MaskHigh[i];
            v6NetworkLow[i] = bits(address, 8, 8) & v6MaskLow[i];
        }
    }

    /** The networks of {@link Cidr} texts, which the snapshot validator has already checked. */
    public static NetworkSet of(List<String> networks) {
        return new NetworkSet(networks.stream().map(Cidr::parse).toList());
    }

    public boolean isEmpty() {
        return v4Network.length == 0 && v6NetworkHigh.length == 0;
    }

    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            long value = bits(raw, 0, 4);
            for (int i = 0; i < v4Network.length; i++) {
                if ((value & v4Mask[i]) == v4Network[i]) {
                    return true;
                }
            }
            return false;
        }
        long high = bits(raw, 0, 8);
        long low = bits(raw, 8, 8);
        for (int i = 0; i < v6NetworkHigh.length; i++) {
            if ((high & v6MaskHigh[i]) == v6NetworkHigh[i] && (low & v6MaskLow[i]) == v6NetworkLow[i]) {
                return true;
            }
        }
        return false;
    }

    private static long bits(byte[] bytes, int from, int count) {
        long value = 0;
        for (int i = from; i < from + count; i++) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }
}
