export * from "./canary-deployment";
export * from "./function-alarms";
export * from "./serverless-function";
export * from "./service-resources";
export * from "./triggers";
