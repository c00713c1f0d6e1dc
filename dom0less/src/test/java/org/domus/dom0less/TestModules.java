package org.domus.dom0less;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link ModuleSource} filled by the test: bytes by load address and UEFI file names. */
final class TestModules implements ModuleSource {
    private final Map<Long, ModuleBytes> byAddress = new HashMap<>();
    private final Map<String, ModuleBytes> byName = new HashMap<>();

    TestModules at(long address, String origin, byte[] bytes) {
        byAddress.put(address, new ModuleBytes(origin, bytes));
        return this;
    }

    TestModules uefi(String name, byte[] bytes) {
        byName.put(name, new ModuleBytes(name, bytes));
        return this;
    }

    @Override
    public Optional<ModuleBytes> at(long address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    @Override
    public Optional<ModuleBytes> uefiBinary(String fileName) {
        return Optional.ofNullable(byName.get(fileName));
    }
}
