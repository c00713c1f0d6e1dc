package org.domus.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfHeaderTest {
    /** This host's own programs are dynamic x86-64 executables: the opposite of what the guest needs. */
    @Test
    void aHostProgramIsDynamicX86() throws Exception {
        ElfHeader ls = ElfHeader.read(Path.of("/bin/ls"));
        assertThat(ls).isEqualTo(new ElfHeader(ElfHeader.EM_X86_64, true));
        assertThat(ls.isStaticFor(Arch.X86_64)).isFalse();
        assertThat(ls.isStaticFor(Arch.ARM64)).isFalse();
    }

    @Test
    void notAnElfIsOneLine(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(tmp.resolve("busybox"), "#!/bin/sh\n");
        assertThatThrownBy(() -> ElfHeader.read(script)).hasMessage(script + " is not a 64-bit little-endian ELF file");
    }
}
