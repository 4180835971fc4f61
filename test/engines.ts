/**
 * For tests that need something this machine may lack (root, iptables, an
 * engine): true means skip, with the reason printed. Under
 * FAULTLINE_REQUIRE_ENGINES=1 (set by .ci/run) a missing need is a failure,
 * so nothing is skipped silently in CI.
 */
export function skipUnless(what: string, blocker: string | undefined): boolean {
  if (!blocker) return false;
  if (process.env.FAULTLINE_REQUIRE_ENGINES === '1') {
    throw new Error(`${what} ${blocker}, and FAULTLINE_REQUIRE_ENGINES=1 forbids skipping`);
  }
  console.warn(`skipping ${what}: it ${blocker}`);
  return true;
}
