package org.domus.image;

/** The architecture a kernel image runs on (its instruction set), and so the engines that can boot it. */
public enum Arch {
    ARM64("arm64"), X86_64("x86_64");

    private final String label;

    Arch(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
