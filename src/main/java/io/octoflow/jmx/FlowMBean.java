package io.octoflow.jmx;

/**
 * One flow in JMX ({@code io.octoflow:type=Flow,name="<name>",path="<path>"}: the path tells apart files that share
 * a name), next to Camel's MBean of its route ({@code org.apache.camel:type=routes,name="flow-<path>"}).
 */
public interface FlowMBean {

    String getName();

    /** The flow file, relative to FLOWS_PATH: what identifies the flow. */
    String getPath();

    /** Its schedules ({@code cron '0 3 * * *'}, {@code every 60 s}), or {@code none}. */
    String getSchedule();

    /** When a schedule of the flow fires next (ISO-8601 in TIMEZONE); null without a schedule. */
    String getNextFireTime();

    /** Status of the latest run (success, failed, skipped...); null before the first. */
    String getLastStatus();

    /** When the latest run started (ISO-8601 in TIMEZONE); null before the first. */
    String getLastStarted();

    /** Whether a run holds the flow's lock now. */
    boolean isLocked();

    boolean isPaused();

    /** Launches the flow with {@code dataJson} as its input (a JSON object, or empty); returns the execution id. */
    String launch(String dataJson);

    /** Removes the flow's lock; true when there was one. */
    boolean unlock();

    /** Scheduled fires are skipped until {@link #resume()}; launches by hand still run. Survives restarts. */
    void pause();

    void resume();
}
