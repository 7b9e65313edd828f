export * from "./event-pattern";
export * from "./event-trigger";
export * from "./http-route";
export * from "./queue-subscription";
export * from "./schedule-trigger";
export * from "./target";
