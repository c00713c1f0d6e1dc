package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import org.junit.jupiter.api.Test;

class QmpValueTest {
    static QmpValue parse(String json) throws IOException {
        try (JsonParser p = QmpValue.JSON.createParser(json)) {
            p.nextToken();
            return QmpValue.read(p);
        }
    }

    @Test
    void navigatesLikeATreeAndMissingMembersReadEmpty() throws IOException {
        QmpValue v = parse("""
                {"return": [{"cpu-index": 1, "thread-id": 4242, "props": {"core-id": 1}},
                            {"cpu-index": 0, "thread-id": 4241}],
                 "QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 22}}, "capabilities": ["oob"]},
                 "t": true, "f": false, "n": null, "x": 1.5, "s": "text"}""");
        assertThat(v.path("return").elements()).extracting(e -> e.path("thread-id").asLong()).containsExactly(4242L, 4241L);
        assertThat(v.path("QMP").path("version").path("qemu").path("micro").asInt()).isEqualTo(22);
        assertThat(v.path("t").asBoolean()).isTrue();
        assertThat(v.path("f").asBoolean()).isFalse();
        assertThat(v.has("n")).isTrue();
        assertThat(v.path("n").asText("absent")).isEqualTo("absent");
        assertThat(v.path("x").asText()).isEqualTo("1.5");
        assertThat(v.path("s").asText()).isEqualTo("text");
        assertThat(v.path("nothing").isMissing()).isTrue();
        assertThat(v.path("nothing").path("deeper").asText()).isEmpty();
        assertThat(v.path("s").path("member").asLong()).isZero();
        assertThat(v.path("s").elements()).isEmpty();
    }

    @Test
    void writesArgumentsAsJsonAndReadsThemBack() throws IOException {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("id", 7L);
        args.put("name", "d\"1\n");
        args.put("cpus", List.of(0, 1));
        args.put("on", true);
        args.put("none", null);
        args.put("nested", Map.of("k", "v"));
        String json = QmpValue.of(args).toString();
        assertThat(json).isEqualTo("{\"id\":7,\"name\":\"d\\\"1\\n\",\"cpus\":[0,1],\"on\":true,\"none\":null,\"nested\":{\"k\":\"v\"}}");
        QmpValue back = parse(json);
        assertThat(back.path("id").asLong()).isEqualTo(7);
        assertThat(back.has("none")).isTrue();
        assertThat(back.path("nested").path("k").asText()).isEqualTo("v");
        assertThat(back.path("on").asBoolean()).isTrue();
        assertThat(back.path("cpus").elements()).extracting(QmpValue::asInt).containsExactly(0, 1);
        assertThat(back.path("name").asText()).isEqualTo("d\"1\n");
    }
}
