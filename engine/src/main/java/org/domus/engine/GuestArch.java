package org.domus.engine;

/** The instruction set a guest kernel runs on; engines say which they can run. */
public enum GuestArch {
    ARM64, X86_64
}
