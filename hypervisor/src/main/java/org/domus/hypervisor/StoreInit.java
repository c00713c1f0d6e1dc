package org.domus.hypervisor;

/**
 * What init-dom0less did for one domain (the control protocol carries it).
 *
 * @param outcome one line: initialised, already initialised, or why there was nothing to do
 */
public record StoreInit(int id, String name, String outcome) {
}
