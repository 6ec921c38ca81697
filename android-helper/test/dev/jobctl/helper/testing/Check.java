package dev.jobctl.helper.testing;

import java.util.Objects;

/** A tiny test harness: named tests, equality assertions, a summary line and an exit code. */
final class Check {
    /** A test body. */
    interface Body {
        void run() throws Exception;
    }

    /** An assertion failed. */
    static final class Failure extends AssertionError {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    private int passed;
    private int failed;

    void test(String name, Body body) {
        try {
            body.run();
            passed++;
        } catch (Throwable e) {
            failed++;
            System.err.println("FAIL " + name + ": " + e);
            if (!(e instanceof Failure)) {
                e.printStackTrace();
            }
        }
    }

    static void eq(Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new Failure("expected <" + expected + "> but was <" + actual + ">");
        }
    }

    static void isTrue(boolean condition, String what) {
        if (!condition) {
            throw new Failure(what);
        }
    }

    /** Prints {@code N passed, N failed}; returns the process exit code. */
    int finish() {
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
