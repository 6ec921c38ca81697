package dev.jobctl.helper.core;

/** Identity and version constants (PROTOCOL.md §1). AndroidManifest.xml must agree (checked by build.py). */
public final class Protocol {
    public static final String PACKAGE = "dev.jobctl.helper";
    public static final int PROTOCOL_VERSION = 1;
    public static final int BUILD = 4;
    public static final int VERSION_CODE = PROTOCOL_VERSION * 1000 + BUILD;
    public static final String VERSION_NAME = PROTOCOL_VERSION + "." + BUILD;
    /** The command action the receiver accepts (PROTOCOL.md §2.2). */
    public static final String COMMAND_ACTION = "dev.jobctl.helper.COMMAND";
    /** The shell uid (android.os.Process.SHELL_UID) and root. */
    public static final int SHELL_UID = 2000;
    public static final int ROOT_UID = 0;
    /** What {@code getSentFromUid()} returns when the sender did not share its identity (Process.INVALID_UID). */
    public static final int UNKNOWN_UID = -1;

    private Protocol() {
    }

    /** PROTOCOL.md §2.2: only the shell, root and the helper itself may command it. */
    public static boolean mayCommand(int senderUid, int ownUid) {
        return senderUid == SHELL_UID || senderUid == ROOT_UID || senderUid == ownUid;
    }
}
