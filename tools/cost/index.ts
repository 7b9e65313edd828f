export * from "./money";
export * from "./price-table";
export * from "./estimate";
export * from "./usage";
export * from "./from-plan";
export * from "./diff";
export * from "./render";
