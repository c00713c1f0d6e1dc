package org.domus.dom0less;

/** PLACEHOLDER until image probing lands: recognises a module's format by its headers. */
public final class ImageProbe {
    private ImageProbe() {
    }

    public static ImageInfo probe(byte[] bytes) {
        throw new UnsupportedOperationException("not yet");
    }
}
