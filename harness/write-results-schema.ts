// `npm run schema`: writes results.json's JSON Schema from the RunResults type.
import { writeFileSync } from 'node:fs';
import { RESULTS_SCHEMA_PATH, resultsSchemaText } from './results-schema.ts';

writeFileSync(new URL(`../${RESULTS_SCHEMA_PATH}`, import.meta.url), resultsSchemaText());
console.error(`wrote ${RESULTS_SCHEMA_PATH}`);
