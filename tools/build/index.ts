export * from "./build";
export * from "./manifest";
export { deterministicZip, ZIP_ENTRY_DEFAULTS, DOS_EPOCH_FIELDS } from "./zip";
