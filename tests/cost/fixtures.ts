import { FunctionCostInput, SharedCostInput } from "../../tools/cost";

/** A shared input that costs nothing, so a test sees only the function lines it arranges. */
export const NO_SHARED: SharedCostInput = {
  alarms: { standard: 0, highResolution: 0, composite: 0 },
  dashboards: 0,
  budgets: { total: 0, actionEnabled: 0 },
  alerts: { emailSubscriptions: 0, notificationsPerMonth: 0 },
};

/** orders-api as the reference flow deploys it: HTTP, arm64, 512 MB; no logs or tracing unless a test adds them. */
export function fn(over: Partial<Omit<FunctionCostInput, "usage">> & { usage?: Partial<FunctionCostInput["usage"]> } = {}): FunctionCostInput {
  const { usage, ...rest } = over;
  return {
    name: "orders-api",
    trigger: "http",
    memoryMb: 512,
    architecture: "arm64",
    timeoutSeconds: 10,
    logRetentionDays: 30,
    tracing: false,
    ...rest,
    usage: { monthlyInvocations: 3_000_000, averageDurationMs: 120, logBytesPerInvocation: 0, ...usage },
  };
}
