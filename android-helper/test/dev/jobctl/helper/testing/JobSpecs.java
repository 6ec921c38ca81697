package dev.jobctl.helper.testing;

import dev.jobctl.helper.core.CommandError;
import dev.jobctl.helper.core.Fields;
import dev.jobctl.helper.core.JobSpec;

import java.util.Map;

/** Spec parsing for test fixtures, where a bad spec is a bug in the test. */
final class JobSpecs {
    private JobSpecs() {
    }

    static JobSpec parse(Map<String, Object> raw) {
        try {
            return JobSpec.parse(new Fields(raw, "spec"));
        } catch (CommandError e) {
            throw new IllegalArgumentException("bad test spec: " + e.getMessage(), e);
        }
    }
}
