package org.domus.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * An end-to-end test: it boots QEMU guests, runs Debian's own tools against Domus, or fetches the guest payload, and
 * so takes seconds to minutes and needs what {@link E2E} gates. Tagged {@value #TAG}, so a run can leave them out
 * ({@code mvn verify -DexcludedGroups=e2e}) or take only them ({@code -Dgroups=e2e}).
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(EndToEnd.TAG)
public @interface EndToEnd {
    String TAG = "e2e";
}
