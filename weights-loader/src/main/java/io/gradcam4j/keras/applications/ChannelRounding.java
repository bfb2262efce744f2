package io.gradcam4j.keras.applications;

/**
 * Channel counts scaled by a width multiplier and rounded to a multiple of a divisor, as
 * keras.applications rounds them ({@code _make_divisible} in mobilenet_v2.py, {@code _depth} in
 * mobilenet_v3.py, {@code round_filters} in efficientnet.py): to the nearest multiple, at least
 * the divisor, and never more than 10 % below the scaled value.
 */
final class ChannelRounding {
    private ChannelRounding() {
    }

    static int makeDivisible(double value, int divisor) {
        // Python's int(v + divisor / 2) // divisor * divisor, for positive v
        int rounded = Math.max(divisor, (int) (value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}
