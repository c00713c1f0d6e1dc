/** The seam between an engine and the Xen guest ABI: hypercalls in, upcalls out, guest RAM shared. */
package org.domus.engine.xen;
