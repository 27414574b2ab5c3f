// Compare the genesis storage of two raw chain specs, ignoring the runtime code.
// Usage: node compare-genesis.mjs committed.json fresh.json
import { readFileSync } from 'node:fs';

const CODE_KEY = '0x3a636f6465'; // ":code"
const [committedPath, freshPath] = process.argv.slice(2);
const load = (path) => {
  const spec = JSON.parse(readFileSync(path, 'utf8'));
  const top = spec?.genesis?.raw?.top;
  if (!top) throw new Error(`${path} is not a raw chain spec`);
  return { spec, top };
};
const committed = load(committedPath);
const fresh = load(freshPath);

const problems = [];
for (const field of ['id', 'chainType']) {
  if (committed.spec[field] !== fresh.spec[field]) problems.push(`${field}: ${committed.spec[field]} != ${fresh.spec[field]}`);
}
const keys = new Set([...Object.keys(committed.top), ...Object.keys(fresh.top)]);
keys.delete(CODE_KEY);
for (const key of [...keys].sort()) {
  if (committed.top[key] !== fresh.top[key]) {
    const what = !(key in committed.top) ? 'missing from the committed spec'
      : !(key in fresh.top) ? 'no longer in the preset' : 'value differs';
    problems.push(`storage ${key.slice(0, 66)}…: ${what}`);
  }
}
if (problems.length) {
  console.error(`chain-specs/local-testnet.raw.json no longer matches the node's local_testnet preset:`);
  for (const p of problems.slice(0, 20)) console.error(`  ${p}`);
  if (problems.length > 20) console.error(`  … and ${problems.length - 20} more`);
  console.error('Run `scripts/chain-spec.sh regenerate` if the change is intended.');
  process.exit(1);
}
console.log(`chain spec check: ${keys.size} genesis storage entries match the local_testnet preset`);
