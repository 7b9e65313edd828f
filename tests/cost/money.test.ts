import { strict as assert } from "assert";
import { add, ceil, div, formatQuantity, formatUsd, formatUsdDelta, mul, rat, sub, sum, toFixed, toMicroUsd } from "../../tools/cost";

describe("cost: exact money arithmetic", () => {
  it("multiplies without the binary floating-point error", () => {
    // 3e6 × 0.12 × 0.5 × 0.0000133334 is 2.4000119999999997 in floats; exactly 2.400012.
    const amount = mul(rat(3_000_000), rat("0.12"), rat("0.5"), rat("0.0000133334"));
    assert.equal(toFixed(amount, 6), "2.400012");
    assert.equal(toMicroUsd(amount), 2_400_012);
  });

  it("keeps fractions that no decimal can hold (÷ 730) exact until display", () => {
    // 1 ÷ 730 × 730 is exactly 1, with no residue to round.
    assert.deepEqual(mul(div(rat(1), rat(730)), rat(730)), rat(1));
  });

  it("rounds half a cent away from zero, only when shown", () => {
    assert.equal(formatUsd(rat("0.005")), "$0.01");
    assert.equal(formatUsd(rat("0.0049999")), "$0.00");
    assert.equal(formatUsd(rat("-0.005")), "-$0.01");
    assert.equal(formatUsd(rat("1234567.891")), "$1,234,567.89");
  });

  it("sums exact amounts, so three lines of $0.004 total $0.01 although each shows $0.00", () => {
    const line = rat("0.004");
    assert.equal(formatUsd(line), "$0.00");
    assert.equal(formatUsd(sum([line, line, line])), "$0.01");
  });

  it("signs deltas and leaves zero unsigned", () => {
    assert.equal(formatUsdDelta(sub(rat("1"), rat("1.42"))), "-$0.42");
    assert.equal(formatUsdDelta(add(rat("0.42"), rat(0))), "+$0.42");
    assert.equal(formatUsdDelta(rat("0.004")), "$0.00");
  });

  it("rounds a quantity up to whole chunks", () => {
    assert.deepEqual(ceil(div(rat(102_400), rat(65_536))), rat(2));
    assert.deepEqual(ceil(rat(3)), rat(3));
  });

  it("formats quantities with separators and at most six decimals", () => {
    assert.equal(formatQuantity(rat(2_646_600)), "2,646,600");
    assert.equal(formatQuantity(div(rat(3_072_000_000), rat(2 ** 30))), "2.861023");
  });

  it("rejects text that is not a decimal number", () => {
    assert.throws(() => rat("0,20"), /"0,20" is not a decimal number/);
    assert.throws(() => rat(Number.NaN), /NaN is not a finite number/);
  });
});
