import { describe, expect, it } from 'vitest';
import { resultsFixture } from '../test/fixtures.ts';
import { junitXml } from './junit.ts';

const fixture = resultsFixture;

const count = (xml: string, pattern: RegExp) => (xml.match(pattern) ?? []).length;

describe('junit.xml', () => {
  it('has one test case per checker per system, all passing on a valid run', () => {
    const results = fixture();
    const xml = junitXml(results);
    const checkers = Object.keys(results.systems[0]!.checkers);
    expect(count(xml, /<testsuite /g)).toBe(results.systems.length);
    expect(count(xml, /<testcase /g)).toBe(checkers.length);
    for (const checker of checkers) expect(xml).toContain(`name="${checker}"`);
    expect(xml).toMatch(/<testsuites [^>]*tests="6" failures="0" errors="0" skipped="0"/);
  });

  it('an anomaly is a failure with its counts, an undecided verdict an error, a check not measured skipped', () => {
    const results = fixture();
    const [system] = results.systems;
    const checkers = system!.checkers as Record<string, Record<string, unknown>>;
    Object.assign(checkers['lost-writes']!, { valid: false, lost: 3 });
    Object.assign(checkers.convergence!, { valid: 'unknown', reason: 'no final reads <of "n1">' });
    Object.assign(checkers.staleness!, { notMeasured: 'no replica reads' });
    results.systems.push({
      ...system!,
      system: 'other',
      status: 'not-applicable',
      error: 'other has no register client',
      checkers: {},
    });
    const xml = junitXml(results);
    expect(xml).toMatch(/<testsuites [^>]*tests="7" failures="1" errors="1" skipped="2"/);
    expect(xml).toMatch(
      /name="lost-writes" time="0">\s*<failure type="anomaly" message="[^"]*lost 3/,
    );
    // Text from a history is escaped, never markup.
    expect(xml).toContain('message="verdict unknown: no final reads &lt;of &quot;n1&quot;&gt;"');
    expect(xml).toContain('<skipped message="not measured: no replica reads" />');
    expect(xml).toContain('<skipped message="other has no register client" />');
  });
});
