package dev.jobctl.helper.core;

/** One ITEM of an {@code enqueue} request (PROTOCOL.md §3.5). */
public final class WorkItemSpec {
    /** Extras keys carried by every work item (intent extras below API 34, PersistableBundle from 34). */
    public static final String TAG_EXTRA = "jobctl.tag";
    public static final String SCRIPT_EXTRA = "jobctl.script";

    public final String tag;
    public final Long estimatedDownloadBytes;
    public final Long estimatedUploadBytes;
    public final Long minChunkBytes;
    public final Script script;

    private WorkItemSpec(String tag, Long down, Long up, Long minChunk, Script script) {
        this.tag = tag;
        this.estimatedDownloadBytes = down;
        this.estimatedUploadBytes = up;
        this.minChunkBytes = minChunk;
        this.script = script;
    }

    public static WorkItemSpec parse(Fields f, int apiLevel) throws CommandError {
        f.allowOnly("tag", "estimated_bytes", "min_chunk_bytes", "script");
        String tag = f.reqString("tag");
        Fields bytes = f.optObject("estimated_bytes");
        Long down = null;
        Long up = null;
        if (bytes != null) {
            if (apiLevel < 28) {
                throw UnsupportedOption.of(f.pathOf("estimated_bytes"), 28, apiLevel);
            }
            bytes.allowOnly("down", "up");
            down = bytes.reqLong("down");
            up = bytes.reqLong("up");
        }
        Long minChunk = f.optLong("min_chunk_bytes");
        if (minChunk != null && apiLevel < 33) {
            throw UnsupportedOption.of(f.pathOf("min_chunk_bytes"), 33, apiLevel);
        }
        Fields script = f.optObject("script");
        return new WorkItemSpec(tag, down, up, minChunk,
                script == null ? Script.defaultItemScript() : Script.parseItem(script));
    }
}
