package org.domus.fdt.internal.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.domus.fdt.DtsException;
import org.domus.fdt.InputFile;

/**
 * Device-tree source to a live tree, as dtc 1.6.1's front end builds it (its {@code dt_from_source}),
 * up to the point where dtc runs its checks. Any error, at any point, is a {@link DtsException}
 * listing every diagnostic dtc would have printed up to where it stopped.
 */
public final class TreeSource {
    private TreeSource() {
    }

    /** Parses {@code file}; /include/ and /incbin/ look next to the including file, then in {@code includeDirs}. */
    public static DtInfo parse(Path file, List<Path> includeDirs) throws DtsException {
        String name = file.toString();
        byte[] source;
        try {
            source = InputFile.read(file, InputFile.DTS_LIMIT, "a device-tree source");
        } catch (InputFile.RefusedException e) {
            throw new DtsException(e.getMessage());
        } catch (NoSuchFileException e) {
            throw new DtsException(name + ":1:1: Couldn't open \"" + name + "\": No such file or directory");
        } catch (AccessDeniedException e) {
            throw new DtsException(name + ":1:1: Couldn't open \"" + name + "\": Permission denied");
        } catch (IOException e) {
            throw new DtsException(name + ":1:1: Couldn't open \"" + name + "\": " + e.getMessage());
        }
        return parse(source, name, includeDirs);
    }

    /** Parses {@code text}; {@code fileName} names it in diagnostics and is where /include/ starts looking. */
    public static DtInfo parse(String text, String fileName, List<Path> includeDirs) throws DtsException {
        return parse(text.getBytes(StandardCharsets.UTF_8), fileName, includeDirs);
    }

    /** Parses source bytes (dtc reads bytes: any encoding, NULs included). */
    public static DtInfo parse(byte[] source, String fileName, List<Path> includeDirs) throws DtsException {
        List<String> dirs = new ArrayList<>(includeDirs.size());
        for (Path d : includeDirs) {
            dirs.add(d.toString());
        }
        Diagnostics diagnostics = new Diagnostics();
        DtInfo info;
        try {
            DtsLexer lexer = new DtsLexer(source, fileName, dirs, diagnostics);
            info = new DtsParser(lexer, diagnostics).parse();
            info.included.addAll(lexer.opened);
        } catch (ParseAbort e) {
            throw new DtsException(diagnostics.lines());
        } catch (StackOverflowError e) {
            // not expected: the parser keeps no deep recursion; a last guard so nothing but DtsException escapes
            diagnostics.error(fileName, 1, 1, "input nested too deeply");
            throw new DtsException(diagnostics.lines());
        }
        if (diagnostics.any()) {
            throw new DtsException(diagnostics.lines());
        }
        info.fileName = fileName;
        return info;
    }
}
