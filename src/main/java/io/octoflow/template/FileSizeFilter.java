package io.octoflow.template;

import java.math.BigDecimal;
import java.math.RoundingMode;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

/** Jinja2's {@code filesizeformat(binary=False)}: {@code 1.0 kB} (Jinjava writes {@code KB}), {@code 1.0 KiB}. */
final class FileSizeFilter implements Filter {

    private static final String[] DECIMAL = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    private static final String[] BINARY = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

    @Override
    public String getName() {
        return "filesizeformat";
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
        boolean binary = args.length > 0 && PythonTypeConverter.truthy(
                "true".equalsIgnoreCase(args[0]) || "1".equals(args[0]) ? Boolean.TRUE : Boolean.FALSE);
        double bytes = value instanceof Number n ? n.doubleValue() : Double.parseDouble(PythonText.str(value).strip());
        double base = binary ? 1024 : 1000;
        if (bytes == 1) {
            return "1 Byte";
        }
        if (bytes < base) {
            return (long) bytes + " Bytes";
        }
        String[] prefixes = binary ? BINARY : DECIMAL;
        double unit = base;
        int i = 0;
        for (; i < prefixes.length; i++) {
            unit = Math.pow(base, i + 2);
            if (bytes < unit) {
                break;
            }
        }
        i = Math.min(i, prefixes.length - 1);
        return new BigDecimal(base * bytes / unit).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + " "
                + prefixes[i];
    }
}
