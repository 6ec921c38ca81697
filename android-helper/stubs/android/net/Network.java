package android.net;

/** Compile-only stub (never packaged). API 21; toString() prints the netId. */
public class Network {
}
