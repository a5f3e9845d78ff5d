// Validates an NDJSON file line by line with ajv + ajv-formats (what ajv-cli uses), for the
// NDJSON comparison in bench-validators.sh: ajv-cli itself reads whole files only.
// usage: node ajv-ndjson.js SCHEMA FILE   (NODE_PATH must reach ajv and ajv-formats)
const fs = require("fs");
const readline = require("readline");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));
let valid = 0, invalid = 0;
const lines = readline.createInterface({ input: fs.createReadStream(process.argv[3]), crlfDelay: Infinity });
lines.on("line", (line) => {
  if (!line.trim()) return;
  let ok = false;
  try { ok = validate(JSON.parse(line)); } catch (e) { ok = false; }
  if (ok) valid++; else invalid++;
});
lines.on("close", () => {
  console.error(`${valid} valid, ${invalid} invalid`);
  process.exit(invalid ? 1 : 0);
});
