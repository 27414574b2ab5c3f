// Getting data in: N values secret-shared by one owner with a committee of four workers, from
// the start of `enigma secret share` until every member acknowledged every share on chain
// (the command returns then), on the dev chain with four workers.
//
//   node bench/ingest.mjs [N ...]        (default: 1000 10000)
//
// Needs ENIGMA_NODE, ENIGMA_WORKER and ENIGMA_CLIENT (scripts/bench-ingest.sh sets them).
// Prints one JSON line per N: values, seconds, and the blocks and transactions it took.
import { randomBytes } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node } from '../lib/node.js';
import { submit } from '../lib/tx.js';
import { run, startWorkers, CLIENT_BIN } from '../lib/process.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const UNIT = 10n ** 12n;

await cryptoWaitReady();
const node = await new Node('ingest', ['--dev', '--dev-block-time', '1000']).start();
const api = await node.api();
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
let workers = [];
try {
  workers = await startWorkers(node, ['//Bob', '//Charlie', '//Dave', '//Ferdie'], 'ingest');
  const enigma = async (args, input) => {
    const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
    if (r.code !== 0) throw new Error(`enigma ${args.join(' ')}: ${r.stderr}`);
    if (args[0] === 'secret') process.stderr.write(r.stderr);
    return r.stdout.toString().trim();
  };
  const seed = '0x' + randomBytes(32).toString('hex');
  const user = new Keyring({ type: 'sr25519' }).addFromSeed(Buffer.from(seed.slice(2), 'hex'));
  await submit(api, api.tx.balances.transferKeepAlive(user.address, 1_000_000n * UNIT), alice);
  const committee = await enigma(['committee', 'request', '--size', '4', '--suri', seed]);
  const identity = await enigma(['identity', 'create', '--suri', seed]);

  for (const n of sizes.length ? sizes : [1000, 10000]) {
    const values = Array.from({ length: n }, () => String(40_000 + Math.floor(Math.random() * 60_000))).join('\n');
    const before = (await api.rpc.chain.getHeader()).number.toNumber();
    const started = Date.now();
    const ids = (await enigma(['secret', 'share', '--suri', seed, '--identity', identity, '--committee', committee,
      '--type', 'u32', '--any-contract', '--value-file', '-', '--bootstrap', workers[0].address], values)).split('\n');
    const seconds = (Date.now() - started) / 1000;
    const after = (await api.rpc.chain.getHeader()).number.toNumber();
    if (ids.length !== n) throw new Error(`${ids.length} secret ids for ${n} values`);
    // The transactions it took: the owner's registrations and every member's acknowledgements.
    let registrations = 0;
    let acknowledgements = 0;
    for (let b = before + 1; b <= after; b++) {
      const events = await (await api.at(await api.rpc.chain.getBlockHash(b))).query.system.events();
      for (const { event } of events) {
        if (event.section !== 'secretCompute') continue;
        if (event.method === 'SecretsAcknowledged') acknowledgements++;
      }
      const block = await api.rpc.chain.getBlock(await api.rpc.chain.getBlockHash(b));
      registrations += block.block.extrinsics.filter((x) => x.method.section === 'secretCompute' && x.method.method === 'registerSecrets').length;
    }
    console.log(JSON.stringify({ values: n, type: 'u32', committee: 4, seconds, blocks: after - before, registrations, acknowledgements }));
  }
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await api.disconnect();
  await node.destroy();
}
process.exit(0);
