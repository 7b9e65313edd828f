import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";

/**
 * The one place handlers get logging, metrics and tracing from (AWS Lambda Powertools).
 * Level, service and namespace come from the Powertools environment variables
 * (`POWERTOOLS_LOG_LEVEL`, `POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_METRICS_NAMESPACE`).
 */

const SERVICE = process.env.POWERTOOLS_SERVICE_NAME || "orders";

export const logger = new Logger({ serviceName: SERVICE });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || "ServerlessOrders",
  serviceName: SERVICE,
});
/** Active only inside Lambda with tracing on; elsewhere every call is a cheap no-op. */
export const tracer = new Tracer({ serviceName: SERVICE });

export { MetricUnit };

/** Why something failed, as a bounded set: each value becomes a metric dimension. */
export const FAILURE_REASONS = {
  contract: "contract",
  publish: "publish",
  storage: "storage",
  unexpected: "unexpected",
} as const;
export type FailureReason = (typeof FAILURE_REASONS)[keyof typeof FAILURE_REASONS];

/** Counts one failure under `Failures` with a `reason` dimension (published at once). */
export function countFailure(reason: FailureReason, count = 1): void {
  const single = metrics.singleMetric();
  const correlationId = logger.getCorrelationId();
  if (typeof correlationId === "string") single.addMetadata("correlation_id", correlationId);
  single.addDimension("reason", reason);
  single.addMetric("Failures", MetricUnit.Count, count);
}

/** Counts a business event (`OrdersAccepted`, `OrdersFulfilled`...), published at the end of the invocation. */
export function countBusiness(name: string, count = 1): void {
  metrics.addMetric(name, MetricUnit.Count, count);
}

/** Sets (or clears) the correlation id carried by every following log line and metric blob. */
export function useCorrelationId(correlationId: string | undefined): void {
  if (correlationId) {
    logger.setCorrelationId(correlationId);
    metrics.addMetadata("correlation_id", correlationId);
  } else {
    logger.removeKeys(["correlation_id"]);
  }
}

export interface Invocation {
  /** The invocation's correlation id, when one id covers the whole event. */
  readonly correlationId: string | undefined;
  readonly context: Context;
}

export type InstrumentedHandler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * Wraps a handler with what every invocation needs: Lambda context and correlation id on each
 * log line, the cold-start metric, an X-Ray subsegment, metrics flushed at the end, and one
 * error log (with the reason counted) when the handler throws. Written here rather than with
 * Powertools' Middy middlewares so the bundles do not carry Middy for four lines of glue.
 */
export function instrument<E, R>(
  correlate: (event: E) => string | undefined,
  handler: (event: E, invocation: Invocation) => Promise<R>,
): InstrumentedHandler<E, R> {
  return async (event, context) => {
    logger.resetKeys();
    metrics.clearMetadata();
    logger.addContext(context);
    logger.appendKeys({ function_version: context.functionVersion });
    const correlationId = safely(() => correlate(event));
    useCorrelationId(correlationId);
    metrics.captureColdStartMetric(context.functionName);

    const segment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const subsegment = segment?.addNewSubsegment(`## ${context.functionName}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    if (correlationId) tracer.putAnnotation("correlationId", correlationId);
    try {
      return await handler(event, { correlationId, context });
    } catch (error) {
      logger.error("Invocation failed", error as Error);
      tracer.addErrorAsMetadata(error as Error);
      countFailure(failureReasonOf(error));
      throw error;
    } finally {
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/** Maps an error to a failure reason: ours by name, AWS SDK errors (DynamoDB) by their `$metadata`. */
export function failureReasonOf(error: unknown): FailureReason {
  const name = error instanceof Error ? error.name : "";
  if (name === "ContractError") return FAILURE_REASONS.contract;
  if (name === "PublishError") return FAILURE_REASONS.publish;
  if (error instanceof Error && "$metadata" in error) return FAILURE_REASONS.storage;
  return FAILURE_REASONS.unexpected;
}

/** A broken correlation lookup must never take the invocation down: log without an id instead. */
function safely(fn: () => string | undefined): string | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
