package org.domus.dom0less;

/**
 * The options of Xen's own command line ({@code xen,xen-bootargs}) that Domus acts on.
 *
 * @param raw       the whole command line as given ("" when absent)
 * @param scheduler {@code sched=} ("credit2" when absent, Xen's default)
 * @param conswitch the letter of {@code conswitch=} (Ctrl-&lt;letter&gt; three times switches console input; 'a' by default)
 * @param dom0MemKib {@code dom0_mem=} in KiB, or -1 when absent
 */
public record XenCommandLine(String raw, String scheduler, char conswitch, long dom0MemKib) {
    public boolean nullScheduler() {
        return scheduler.equals("null");
    }
}
