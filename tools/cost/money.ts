/**
 * Exact arithmetic for prices and quantities.
 *
 * Why not floats: 3e6 × 0.12 × 0.5 × 0.0000133334 in binary floating point is 2.4000119999999997, and
 * sums of such lines drift by fractions of a cent that show up as off-by-one-cent totals. Why not
 * integer micro-dollars: unit prices have up to 10 decimals (0.0000000309 USD per GB-second), so
 * any fixed scale either loses digits or overflows. A rational over BigInt is exact for every
 * operation we need (+, ×, ÷ by 1,024, 730, 30...), and is ~60 lines, so no dependency for it.
 * Rounding happens only when an amount is shown (`formatUsd`, `toMicroUsd`), never in between.
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint; // always > 0, and gcd(n, d) = 1
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

function make(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new Error("money: division by zero");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

/** An exact value from a decimal string ("0.0000133334"), an integer, or a finite JS number. */
export function rat(value: string | number | bigint): Rational {
  if (typeof value === "bigint") return { n: value, d: 1n };
  const text = typeof value === "number" ? numberText(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`money: "${text}" is not a decimal number`);
  const [, sign, int, frac = "", exp = "0"] = m;
  let n = BigInt(int + frac) * (sign ? -1n : 1n);
  let d = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (e >= 0) n *= 10n ** BigInt(e);
  else d *= 10n ** BigInt(-e);
  return make(n, d);
}

function numberText(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`money: ${x} is not a finite number`);
  return String(x); // shortest round-trip text, e.g. 0.05 -> "0.05", 1e-7 -> "1e-7"
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const add = (a: Rational, b: Rational): Rational => make(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => make(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (...xs: Rational[]): Rational => xs.reduce((a, b) => make(a.n * b.n, a.d * b.d), { n: 1n, d: 1n });
export const div = (a: Rational, b: Rational): Rational => make(a.n * b.d, a.d * b.n);
export const sum = (xs: Iterable<Rational>): Rational => [...xs].reduce(add, ZERO);
export const cmp = (a: Rational, b: Rational): number => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
export const min = (a: Rational, b: Rational): Rational => (cmp(a, b) <= 0 ? a : b);
export const max = (a: Rational, b: Rational): Rational => (cmp(a, b) >= 0 ? a : b);
export const isZero = (a: Rational): boolean => a.n === 0n;
/** Smallest integer >= a. */
export function ceil(a: Rational): Rational {
  const q = a.n / a.d; // truncates toward zero
  return { n: a.n > 0n && a.n % a.d !== 0n ? q + 1n : q, d: 1n };
}

/** Rounds to `digits` decimals, half away from zero (how a bill rounds a half cent), as a bigint scaled by 10^digits. */
export function roundScaled(a: Rational, digits: number): bigint {
  const scale = 10n ** BigInt(digits);
  const neg = a.n < 0n;
  const n = (neg ? -a.n : a.n) * scale;
  let q = n / a.d;
  if ((n % a.d) * 2n >= a.d) q += 1n;
  return neg ? -q : q;
}

/** Fixed-point text with exactly `digits` decimals, rounded half away from zero: toFixed(2.400012, 2) = "2.40". */
export function toFixed(a: Rational, digits: number): string {
  const q = roundScaled(a, digits);
  const neg = q < 0n;
  const s = (neg ? -q : q).toString().padStart(digits + 1, "0");
  const text = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return neg ? `-${text}` : text;
}

/** Up to `maxDigits` decimals, trailing zeros dropped: 180000 -> "180000", 0.5 -> "0.5". */
export function toDecimal(a: Rational, maxDigits = 6): string {
  const t = toFixed(a, maxDigits);
  return t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t;
}

/** Integer micro-dollars (1e-6 USD), rounded half away from zero; what the JSON plan carries for machines. */
export const toMicroUsd = (a: Rational): number => Number(roundScaled(a, 6));

/** "$2.40", "$1,234.57", "-$0.03": cents, rounded once, at display. */
export function formatUsd(a: Rational): string {
  const t = toFixed(a, 2);
  const neg = t.startsWith("-");
  const [int, frac] = (neg ? t.slice(1) : t).split(".");
  return `${neg ? "-" : ""}$${groupThousands(int)}.${frac}`;
}

/** "+$0.42" / "-$0.42" / "$0.00" for deltas. */
export function formatUsdDelta(a: Rational): string {
  const t = formatUsd(a);
  return roundScaled(a, 2) > 0n ? `+${t}` : t;
}

export function groupThousands(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "3,000,000", "180,000", "0.5", "2,628,000.25" for quantities. */
export function formatQuantity(a: Rational, maxDigits = 6): string {
  const t = toDecimal(a, maxDigits);
  const neg = t.startsWith("-");
  const [int, frac] = (neg ? t.slice(1) : t).split(".");
  return `${neg ? "-" : ""}${groupThousands(int)}${frac ? `.${frac}` : ""}`;
}
