/** The guest payload for tests and the demo: Debian's kernel and busybox, fetched once, and an initramfs built in Java. */
module org.domus.payload {
    requires transitive org.domus.image;

    exports org.domus.payload;
}
