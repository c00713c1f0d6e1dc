package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The control protocol's lines, byte for byte, one of each request and each reply: what a client or system of
 * another build reads, so a change of the codec's code must not change one of them. (The round trips of
 * {@link ControlCodecTest} would pass with both ends changed alike.) And each request's reply type is the one its
 * record declares, which the round trips take on trust.
 */
class ControlLinesTest {

    @Test
    void eachRequestIsItsLine() {
        Map<ControlRequest<?>, String> lines = new LinkedHashMap<>();
        lines.put(new ControlRequest.SystemQuery(), "{\"v\":1,\"op\":\"system\"}");
        lines.put(new ControlRequest.ListDomains(true), "{\"v\":1,\"op\":\"list\",\"all\":true}");
        lines.put(new ControlRequest.Info("web"), "{\"v\":1,\"op\":\"info\",\"domain\":\"web\"}");
        lines.put(new ControlRequest.Pause("d1"), "{\"v\":1,\"op\":\"pause\",\"domain\":\"d1\"}");
        lines.put(new ControlRequest.Unpause("1"), "{\"v\":1,\"op\":\"unpause\",\"domain\":\"1\"}");
        lines.put(new ControlRequest.Shutdown("web", Duration.ofSeconds(7), true),
                "{\"v\":1,\"op\":\"shutdown\",\"domain\":\"web\",\"timeout\":7,\"wait\":true}");
        lines.put(new ControlRequest.Reboot("web", Duration.ofSeconds(0), true, false),
                "{\"v\":1,\"op\":\"reboot\",\"domain\":\"web\",\"timeout\":0,\"force\":true,\"wait\":false}");
        lines.put(new ControlRequest.Destroy("web"), "{\"v\":1,\"op\":\"destroy\",\"domain\":\"web\"}");
        lines.put(new ControlRequest.Create("web"), "{\"v\":1,\"op\":\"create\",\"domain\":\"web\"}");
        lines.put(new ControlRequest.Sysrq("web", "h"), "{\"v\":1,\"op\":\"sysrq\",\"domain\":\"web\",\"key\":\"h\"}");
        lines.put(new ControlRequest.MemSet("web", 65536), "{\"v\":1,\"op\":\"mem-set\",\"domain\":\"web\",\"targetKib\":65536}");
        lines.put(new ControlRequest.VcpuSet("web", 2), "{\"v\":1,\"op\":\"vcpu-set\",\"domain\":\"web\",\"vcpus\":2}");
        lines.put(new ControlRequest.VcpuList(), "{\"v\":1,\"op\":\"vcpu-list\"}");
        lines.put(new ControlRequest.VcpuList("web"), "{\"v\":1,\"op\":\"vcpu-list\",\"domain\":\"web\"}");
        lines.put(new ControlRequest.VcpuPin("web", ControlRequest.VcpuPin.ALL, "0-1"),
                "{\"v\":1,\"op\":\"vcpu-pin\",\"domain\":\"web\",\"vcpu\":\"all\",\"cpus\":\"0-1\"}");
        lines.put(new ControlRequest.VcpuPin("web", 3, "all"), "{\"v\":1,\"op\":\"vcpu-pin\",\"domain\":\"web\",\"vcpu\":3,\"cpus\":\"all\"}");
        lines.put(new ControlRequest.CpupoolList(), "{\"v\":1,\"op\":\"cpupool-list\"}");
        lines.put(new ControlRequest.CpupoolList("Pool-1"), "{\"v\":1,\"op\":\"cpupool-list\",\"pool\":\"Pool-1\"}");
        lines.put(new ControlRequest.Dmesg(), "{\"v\":1,\"op\":\"dmesg\"}");
        lines.put(new ControlRequest.InitDom0less(), "{\"v\":1,\"op\":\"init-dom0less\"}");
        lines.put(new ControlRequest.Console("web", false), "{\"v\":1,\"op\":\"console\",\"domain\":\"web\",\"input\":false}");
        lines.forEach((request, line) -> assertThat(text(ControlCodec.encode(request))).as(line).isEqualTo(line + "\n"));
        // one of each record: a request added without a line here fails
        assertThat(lines.keySet().stream().map(Object::getClass).distinct().count())
                .isEqualTo(ControlRequest.class.getPermittedSubclasses().length);
    }

    @Test
    void eachReplyIsItsLine() {
        DomainInfo d = new DomainInfo(1, "web", "running", "r-----", 65536, 2, 0.5, 2.25, 1, "powered off", "qemu", "Image",
                "initrd", "quiet", "run/d1-web", List.of("0-1", "all"));
        String domain = "{\"id\":1,\"name\":\"web\",\"state\":\"running\",\"flags\":\"r-----\",\"memoryKib\":65536,\"vcpus\":2,"
                + "\"cpuSeconds\":0.5,\"uptimeSeconds\":2.25,\"restarts\":1,\"lastExit\":\"powered off\",\"engine\":\"qemu\","
                + "\"kernel\":\"Image\",\"ramdisk\":\"initrd\",\"cmdline\":\"quiet\",\"runDir\":\"run/d1-web\",\"affinity\":[\"0-1\",\"all\"]}";
        VcpuInfo v = new VcpuInfo("web", 1, 0, 4242, 1, "r", 1.5, "0-1");
        String vcpu = "{\"domain\":\"web\",\"id\":1,\"vcpu\":0,\"thread\":4242,\"cpu\":1,\"state\":\"r\",\"seconds\":1.5,\"affinity\":\"0-1\"}";
        Map<ControlReply, String> results = new LinkedHashMap<>();
        results.put(new ControlReply.SystemInfo("demo", 77, "/run/domus/demo", "/run/domus/demo/control", "2026-12-07T22:00:00Z", 2,
                ""), "{\"name\":\"demo\",\"pid\":77,\"runDir\":\"/run/domus/demo\",\"socket\":\"/run/domus/demo/control\","
                + "\"started\":\"2026-12-07T22:00:00Z\",\"domains\":2,\"xenstore\":\"\"}");
        results.put(new ControlReply.OneDomain(d), domain);
        results.put(new ControlReply.Domains(List.of(d, d)), "[" + domain + "," + domain + "]");
        results.put(new ControlReply.Domains(List.of()), "[]");
        results.put(new ControlReply.Vcpus(List.of(v, v)), "[" + vcpu + "," + vcpu + "]");
        results.put(new ControlReply.Cpupools(List.of(new CpupoolInfo(0, "Pool-0", "", List.of(0, 2), "credit2", 1),
                new CpupoolInfo(1, "Pool-1", "/chosen/fast", List.of(), "null", 0))),
                "[{\"id\":0,\"name\":\"Pool-0\",\"node\":\"\",\"cpus\":[0,2],\"sched\":\"credit2\",\"domains\":1},"
                        + "{\"id\":1,\"name\":\"Pool-1\",\"node\":\"/chosen/fast\",\"cpus\":[],\"sched\":\"null\",\"domains\":0}]");
        results.put(new ControlReply.Events(List.of(new ControlReply.LogLine("2026-12-07T22:00:00Z", "d1 web: started"))),
                "[{\"time\":\"2026-12-07T22:00:00Z\",\"text\":\"d1 web: started\"}]");
        results.put(new ControlReply.Dom0lessInit(new StoreInitReport(List.of(new StoreInit(1, "web", "introduced")), "view")),
                "{\"domains\":[{\"id\":1,\"name\":\"web\",\"outcome\":\"introduced\"}],\"guestView\":\"view\"}");
        results.put(new ControlReply.ConsoleAttached("web", true), "{\"domain\":\"web\",\"input\":true}");
        results.forEach((reply, result) -> assertThat(text(ControlCodec.encodeReply(reply))).as(result)
                .isEqualTo("{\"v\":1,\"ok\":true,\"result\":" + result + "}\n"));
        assertThat(results.keySet().stream().map(Object::getClass).distinct().count())
                .isEqualTo(ControlReply.class.getPermittedSubclasses().length);
        assertThat(text(ControlCodec.encodeError("no domain 'x'"))).isEqualTo("{\"v\":1,\"ok\":false,\"error\":\"no domain 'x'\"}\n");
    }

    @Test
    void eachRequestsReplyTypeIsTheOneItsRecordDeclares() throws Exception {
        for (Class<?> record : ControlRequest.class.getPermittedSubclasses()) {
            Type declared = Arrays.stream(record.getGenericInterfaces()).map(ParameterizedType.class::cast)
                    .filter(t -> t.getRawType() == ControlRequest.class).findFirst().orElseThrow().getActualTypeArguments()[0];
            ControlRequest<?> request = anyOf(record);
            assertThat((Type) request.replyType()).as(record.getSimpleName()).isEqualTo(declared);
        }
    }

    /** One instance of {@code record}, its components given valid values. */
    private static ControlRequest<?> anyOf(Class<?> record) throws Exception {
        var components = record.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = types[i] == String.class ? "h" : types[i] == Duration.class ? Duration.ofSeconds(1)
                    : types[i] == boolean.class ? Boolean.TRUE : types[i] == long.class ? (Object) 1L : (Object) 1;
        }
        return (ControlRequest<?>) record.getDeclaredConstructor(types).newInstance(args);
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }
}
