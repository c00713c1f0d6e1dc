/** The guest payload for tests and the demo: Debian's kernel and busybox, and an initramfs built in Java. */
package org.domus.payload;
