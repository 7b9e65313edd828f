/**
 * The one Lambda runtime every function is built for and deployed on. Changing it is a reviewed
 * change here; the policy pack's runtime table decides whether it is still supported.
 */
export const LAMBDA_RUNTIME = "nodejs24.x" as const;
/** esbuild's target for that runtime. */
export const ESBUILD_TARGET = "node24" as const;
