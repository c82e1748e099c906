// Validates SARIF logs against the SARIF 2.1.0 JSON schema: node validate.js FILE...
// Prints each schema violation and exits 1 when a file has one (2 when it cannot be read).
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const schema = require(path.join(
  __dirname, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
const ajv = new Ajv({ schemaId: 'auto', allErrors: true, format: 'full' });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
const validate = ajv.compile(schema);

let status = 0;
for (const file of process.argv.slice(2)) {
  let log;
  try {
    log = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    status = 2;
    continue;
  }
  if (validate(log)) {
    console.log(`${file}: valid SARIF 2.1.0`);
  } else {
    for (const err of validate.errors) console.log(`${file}: ${err.dataPath || '/'} ${err.message}`);
    status = Math.max(status, 1);
  }
}
process.exit(status);
