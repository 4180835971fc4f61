import type { CheckResult } from './checkers/types.ts';
import type { RunResults } from './results.ts';

/**
 * junit.xml: one test suite per system, workload and configuration, one test
 * case per checker, so a CI system shows each verdict as a test. An anomaly
 * is a failure; a verdict the history could not decide is an error; a check
 * that does not apply, or a workload the system cannot run, is skipped.
 */
export function junitXml(results: RunResults): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const suites = results.systems.map((s) => {
    const name = `${s.system} · ${s.workload} · ${s.configuration}`;
    const classname = `faultline.${s.system}.${s.workload}`;
    const cases: string[] = [];
    const add = (testName: string, body = '') => {
      tests++;
      cases.push(
        `    <testcase classname="${attr(classname)}" name="${attr(testName)}" time="0"${body ? `>\n      ${body}\n    </testcase>` : ' />'}`,
      );
    };
    if (s.status === 'not-applicable') {
      skipped++;
      add('applicable', `<skipped message="${attr(s.error ?? 'not applicable')}" />`);
    }
    if (s.status === 'error') {
      errors++;
      add('run', `<error type="run" message="${attr(s.error ?? 'the run failed')}" />`);
    }
    for (const [checker, result] of Object.entries(s.checkers) as [string, CheckResult][]) {
      if (result.notMeasured) {
        skipped++;
        add(checker, `<skipped message="${attr(`not measured: ${result.notMeasured}`)}" />`);
      } else if (result.valid === false) {
        failures++;
        add(
          checker,
          `<failure type="anomaly" message="${attr(facts(result))}">${text(detail(result))}</failure>`,
        );
      } else if (result.valid === 'unknown') {
        errors++;
        const why = result.error ?? result.reason ?? facts(result);
        add(checker, `<error type="unknown" message="${attr(`verdict unknown: ${why}`)}" />`);
      } else add(checker);
    }
    const time = s.timings.provisionS + s.timings.loadS + s.timings.runS + s.timings.finalS;
    return `  <testsuite name="${attr(name)}" tests="${cases.length}" time="${time.toFixed(3)}" timestamp="${attr(results.startedAt)}">
    <properties>
      <property name="engine" value="${attr(s.engine)}" />
      <property name="history" value="${attr(s.history)}" />
      <property name="seed" value="${results.config.seed}" />
    </properties>
${cases.join('\n')}
  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="faultline ${attr(results.id)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">
${suites.join('\n')}
</testsuites>
`;
}

/** The result's counts in a line: `lost 3, acknowledged 4909`. */
function facts(result: CheckResult): string {
  const counts = Object.entries(result)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${v}`);
  return counts.length > 0 ? counts.join(', ') : 'anomalies found';
}

/** The whole result, cut to a size a CI page shows. */
function detail(result: CheckResult): string {
  const json = JSON.stringify(result, null, 2);
  return json.length > 8000 ? `${json.slice(0, 8000)}\n… (results.json has it whole)` : json;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// Characters XML 1.0 cannot carry at all (control characters a value may hold) are dropped.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function text(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>]/g, (c) => XML_ESCAPES[c]!);
}

function attr(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}
