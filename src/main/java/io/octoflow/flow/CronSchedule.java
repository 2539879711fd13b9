package io.octoflow.flow;

import java.text.ParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quartz.CronExpression;

/**
 * Cron expressions as flows write them: the 5-field crontab form the spooler used ({@code *}{@code /5 * * * *})
 * or Quartz's own 6/7-field form with seconds. Crontab is translated to Quartz: seconds 0, {@code ?} for the
 * unused day field, and days of the week shifted (crontab 0/7 = Sunday, Quartz 1 = Sunday).
 */
public final class CronSchedule {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private CronSchedule() {
    }

    /** The Quartz form of {@code cron}; throws IllegalArgumentException saying what is wrong. */
    public static String toQuartz(String cron) {
        String[] fields = cron.trim().split("\\s+");
        String quartz;
        if (fields.length == 5) {
            String dayOfMonth = fields[2];
            String dayOfWeek = shiftDaysOfWeek(fields[4]);
            if (dayOfWeek.equals("*")) {
                dayOfWeek = "?";
            } else if (dayOfMonth.equals("*")) {
                dayOfMonth = "?";
            } else {
                throw new IllegalArgumentException("invalid cron '" + cron
                        + "': day-of-month and day-of-week cannot both be set (use one, or Quartz's 6-field form)");
            }
            quartz = "0 " + fields[0] + " " + fields[1] + " " + dayOfMonth + " " + fields[3] + " " + dayOfWeek;
        } else if (fields.length == 6 || fields.length == 7) {
            quartz = cron.trim();
        } else {
            throw new IllegalArgumentException("invalid cron '" + cron + "': expected 5 fields (crontab) or 6-7"
                    + " fields (Quartz), got " + fields.length);
        }
        try {
            new CronExpression(quartz);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid cron '" + cron + "': " + e.getMessage());
        }
        return quartz;
    }

    private static String shiftDaysOfWeek(String field) {
        Matcher numbers = NUMBER.matcher(field);
        StringBuilder out = new StringBuilder();
        while (numbers.find()) {
            // a step value (*/2) is a count, not a day
            boolean isStep = numbers.start() > 0 && field.charAt(numbers.start() - 1) == '/';
            int value = Integer.parseInt(numbers.group());
            String replacement = isStep ? numbers.group() : String.valueOf(value % 7 + 1);
            numbers.appendReplacement(out, replacement);
        }
        numbers.appendTail(out);
        return out.toString();
    }
}
