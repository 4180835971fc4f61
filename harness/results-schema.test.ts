import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { resultsFixture } from '../test/fixtures.ts';
import { RESULTS_SCHEMA_PATH, resultsSchemaText } from './results-schema.ts';

const kept = readFileSync(new URL(`../${RESULTS_SCHEMA_PATH}`, import.meta.url), 'utf8');
const fixture = () => JSON.parse(JSON.stringify(resultsFixture()));

describe("results.json's JSON Schema", () => {
  it('is the one the RunResults type gives today (npm run schema rewrites it)', () => {
    expect(kept).toBe(resultsSchemaText());
  }, 60_000);

  it("accepts a real run's results and refuses one with a mistyped verdict", () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(kept));
    expect(validate(fixture()), JSON.stringify(validate.errors)).toBe(true);
    const broken = fixture();
    broken.systems[0].valid = 'maybe';
    delete broken.matrix;
    expect(validate(broken)).toBe(false);
    const paths = validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
    expect(paths).toContain(" must have required property 'matrix'");
    expect(paths.some((p) => p.startsWith('/systems/0/valid'))).toBe(true);
  });
});
