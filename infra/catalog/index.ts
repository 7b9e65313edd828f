export * from "./discover";
export * from "./function-settings";
export * from "./runtime";
