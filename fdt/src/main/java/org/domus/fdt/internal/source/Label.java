package org.domus.fdt.internal.source;

/** A label on a node, property or memory reservation; deleted labels stay so a later re-add revives them. */
public final class Label {
    public final String name;
    public boolean deleted;

    public Label(String name) {
        this.name = name;
    }
}
