package org.domus.uboot;

import java.util.List;

/**
 * U-Boot's {@code test}: {@code -z}/{@code -n} on strings, {@code =}/{@code ==}/{@code !=} and {@code <}/{@code >}
 * on strings, {@code -eq -ne -lt -le -gt -ge} on decimal numbers, {@code !}, {@code -a}, {@code -o}.
 */
final class Test {
    private Test() {
    }

    static boolean evaluate(List<String> a) throws CommandError {
        return or(a, 0, a.size());
    }

    private static boolean or(List<String> a, int from, int to) throws CommandError {
        for (int i = from; i < to; i++) {
            if (a.get(i).equals("-o")) {
                return and(a, from, i) || or(a, i + 1, to);
            }
        }
        return and(a, from, to);
    }

    private static boolean and(List<String> a, int from, int to) throws CommandError {
        for (int i = from; i < to; i++) {
            if (a.get(i).equals("-a")) {
                return primary(a.subList(from, i)) && and(a, i + 1, to);
            }
        }
        return primary(a.subList(from, to));
    }

    private static boolean primary(List<String> a) throws CommandError {
        if (!a.isEmpty() && a.getFirst().equals("!")) {
            return !primary(a.subList(1, a.size()));
        }
        return switch (a.size()) {
            case 0 -> false;
            case 1 -> !a.getFirst().isEmpty();
            case 2 -> switch (a.getFirst()) {
                case "-z" -> a.get(1).isEmpty();
                case "-n" -> !a.get(1).isEmpty();
                case "-e" -> throw new CommandError("test -e (a file on a device) is not supported");
                default -> throw new CommandError("unknown test '%s'".formatted(a.getFirst()));
            };
            case 3 -> switch (a.get(1)) {
                case "=", "==" -> a.get(0).equals(a.get(2));
                case "!=" -> !a.get(0).equals(a.get(2));
                case "<" -> a.get(0).compareTo(a.get(2)) < 0;
                case ">" -> a.get(0).compareTo(a.get(2)) > 0;
                case "-eq" -> number(a.get(0)) == number(a.get(2));
                case "-ne" -> number(a.get(0)) != number(a.get(2));
                case "-lt" -> number(a.get(0)) < number(a.get(2));
                case "-le" -> number(a.get(0)) <= number(a.get(2));
                case "-gt" -> number(a.get(0)) > number(a.get(2));
                case "-ge" -> number(a.get(0)) >= number(a.get(2));
                default -> throw new CommandError("unknown test operator '%s'".formatted(a.get(1)));
            };
            default -> throw new CommandError("test: too many arguments: " + String.join(" ", a));
        };
    }

    /** Decimal, as U-Boot's test reads numbers (simple_strtol base 10): digits up to the first other character. */
    private static long number(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return s.startsWith("-") ? -v : v;
    }
}
