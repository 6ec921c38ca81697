package dev.jobctl.helper.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** One script step (PROTOCOL.md §7.1). Immutable. */
public final class Step {
    /** Step operations; {@code allowedInItem} marks those valid in an ITEM-SCRIPT. */
    public enum Op {
        SLEEP("sleep", true),
        TRANSFER("transfer", true),
        ESTIMATE("estimate", true),
        WORK("work", false),
        FINISH("finish", false),
        HOLD("hold", false),
        ABANDON("abandon", false);

        final String wireName;
        final boolean allowedInItem;

        Op(String wireName, boolean allowedInItem) {
            this.wireName = wireName;
            this.allowedInItem = allowedInItem;
        }

        static Op fromWire(String name) {
            for (Op op : values()) {
                if (op.wireName.equals(name)) {
                    return op;
                }
            }
            return null;
        }
    }

    public final Op op;
    public final long ms;
    public final long down;
    public final long up;
    public final long chunks;
    public final boolean reschedule;

    private Step(Op op, long ms, long down, long up, long chunks, boolean reschedule) {
        this.op = op;
        this.ms = ms;
        this.down = down;
        this.up = up;
        this.chunks = chunks;
        this.reschedule = reschedule;
    }

    static Step work() {
        return new Step(Op.WORK, 0, 0, 0, 1, false);
    }

    static Step finish(boolean reschedule) {
        return new Step(Op.FINISH, 0, 0, 0, 1, reschedule);
    }

    static Step parse(Fields f, boolean inItem) throws CommandError {
        String name = f.reqString("op");
        Op op = Op.fromWire(name);
        if (op == null) {
            throw CommandError.badRequest("field " + f.pathOf("op") + ": unknown op: " + name);
        }
        if (inItem && !op.allowedInItem) {
            throw CommandError.badRequest("field " + f.pathOf("op") + ": op not allowed in an item script: " + name);
        }
        switch (op) {
            case SLEEP:
                f.allowOnly("op", "ms");
                return new Step(op, f.reqNonNegative("ms"), 0, 0, 1, false);
            case TRANSFER: {
                f.allowOnly("op", "down", "up", "ms", "chunks");
                long chunks = f.longOr("chunks", 1);
                if (chunks < 1) {
                    throw CommandError.badRequest("field " + f.pathOf("chunks") + ": must be >= 1");
                }
                long ms = f.has("ms") ? f.reqNonNegative("ms") : 0;
                return new Step(op, ms, f.reqNonNegative("down"), f.reqNonNegative("up"), chunks, false);
            }
            case ESTIMATE:
                f.allowOnly("op", "down", "up");
                return new Step(op, 0, f.reqNonNegative("down"), f.reqNonNegative("up"), 1, false);
            case FINISH:
                f.allowOnly("op", "reschedule");
                return finish(f.boolOr("reschedule", false));
            default:
                f.allowOnly("op");
                return new Step(op, 0, 0, 0, 1, false);
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<String, Object>();
        json.put("op", op.wireName);
        switch (op) {
            case SLEEP:
                json.put("ms", ms);
                break;
            case TRANSFER:
                json.put("down", down);
                json.put("up", up);
                json.put("ms", ms);
                json.put("chunks", chunks);
                break;
            case ESTIMATE:
                json.put("down", down);
                json.put("up", up);
                break;
            case FINISH:
                json.put("reschedule", reschedule);
                break;
            default:
                break;
        }
        return json;
    }
}
