package android.net;

/** Compile-only stub (never packaged). API 21. */
public class NetworkRequest {
    public static class Builder {
        /** API 21. */
        public Builder() {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder addCapability(int capability) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder removeCapability(int capability) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public Builder addTransportType(int transportType) {
            throw new RuntimeException("Stub!");
        }

        /** API 21. */
        public NetworkRequest build() {
            throw new RuntimeException("Stub!");
        }
    }
}
