/**
 * Lambda managed runtimes and the date AWS deprecates each (end of security patches; creation and
 * updates are blocked one to three months later). Reviewed by hand against
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html ("Supported runtimes" and
 * "Deprecated runtimes"); update `asOf` when you re-check. A runtime missing here is refused.
 */
export const RUNTIME_SUPPORT = {
  asOf: "2026-02-11",
  source: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
  runtimes: {
    // Node.js
    "nodejs24.x": { deprecation: "2028-04-30" },
    "nodejs22.x": { deprecation: "2027-04-30" },
    "nodejs20.x": { deprecation: "2026-04-30" },
    "nodejs18.x": { deprecation: "2025-09-01" },
    "nodejs16.x": { deprecation: "2024-06-12" },
    "nodejs14.x": { deprecation: "2023-12-04" },
    "nodejs12.x": { deprecation: "2023-03-31" },
    // Python
    "python3.14": { deprecation: "2029-06-30" },
    "python3.13": { deprecation: "2029-06-30" },
    "python3.12": { deprecation: "2028-10-31" },
    "python3.11": { deprecation: "2026-06-30" },
    "python3.10": { deprecation: "2026-06-30" },
    "python3.9": { deprecation: "2025-12-15" },
    "python3.8": { deprecation: "2024-10-14" },
    "python3.7": { deprecation: "2023-12-04" },
    // Java
    java25: { deprecation: "2029-06-30" },
    java21: { deprecation: "2029-06-30" },
    java17: { deprecation: "2026-06-30" },
    java11: { deprecation: "2026-06-30" },
    "java8.al2": { deprecation: "2026-06-30" },
    java8: { deprecation: "2024-01-08" },
    // .NET
    dotnet10: { deprecation: "2028-11-14" },
    dotnet8: { deprecation: "2026-11-10" },
    dotnet6: { deprecation: "2024-11-12" },
    // Ruby
    "ruby3.4": { deprecation: "2028-03-31" },
    "ruby3.3": { deprecation: "2027-03-31" },
    "ruby3.2": { deprecation: "2026-03-31" },
    // OS-only
    "provided.al2023": { deprecation: "2029-06-30" },
    "provided.al2": { deprecation: "2026-06-30" },
    provided: { deprecation: "2024-01-08" },
    "go1.x": { deprecation: "2024-01-08" },
  } as Record<string, { deprecation: string }>,
} as const;

/** Environment variable that fixes "today" for the runtime table (tests, reproducible CI runs). */
export const TODAY_ENV = "POLICY_PACK_TODAY";
