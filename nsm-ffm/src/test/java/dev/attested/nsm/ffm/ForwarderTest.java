package dev.attested.nsm.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ForwarderTest {

    @Test
    void bytesFlowBothWaysThroughTheForwarder() throws Exception {
        try (Transport.Listener echo = Transport.tcp("127.0.0.1", 0).listen()) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Transport.Connection c = echo.accept()) {
                    c.input().transferTo(c.output());
                } catch (IOException ignored) {
                    // test ended
                }
            });
            try (Forwarder f = Forwarder.start(Transport.tcp("127.0.0.1", 0), Transport.tcp("127.0.0.1", echo.port()),
                    s -> { });
                    Transport.Connection c = Transport.tcp("127.0.0.1", f.port()).connect()) {
                byte[] payload = new byte[100_000];
                new java.util.Random(1).nextBytes(payload);
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        c.output().write(payload);
                        c.output().flush();
                    } catch (IOException ignored) {
                        // reported by the read below
                    }
                });
                assertArrayEquals(payload, c.input().readNBytes(payload.length));
            }
        }
    }
}
