/**
 * Alarm thresholds of a function when neither the stack (`serverless:alarms`) nor the component's
 * caller sets them. A module of its own so the stack config reads them without loading @pulumi/aws.
 */
export const FUNCTION_ALARMS_DEFAULTS = {
  errorThreshold: 1,
  throttleThreshold: 1,
  /** p99 duration alarm at this share of the function's timeout: slow calls warn before they time out. */
  p99DurationPercentOfTimeout: 80,
  evaluationPeriods: 1,
  periodSeconds: 60,
  /** A queue whose oldest message waits longer than this is not keeping up. */
  oldestMessageAgeSeconds: 300,
} as const;
