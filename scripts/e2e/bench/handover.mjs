// Proactive resharing through the chain: N u32 values shared with a committee of four, then
// handed to four other workers (`enigma secret hand-over`), timed from the command's start until
// every secret is the new committee's (the command returns then), on the dev chain.
//
//   node bench/handover.mjs [N]        (default: 1000)
//
// Needs ENIGMA_NODE, ENIGMA_WORKER and ENIGMA_CLIENT (scripts/bench-handover.sh sets them).
// Prints one JSON line: secrets, seconds, blocks, and the transactions the handover took.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node } from '../lib/node.js';
import { submit } from '../lib/tx.js';
import { run, startWorkers, CLIENT_BIN } from '../lib/process.js';

const n = Number(process.argv[2] ?? 1000);
const OLD = ['//Bob', '//Charlie', '//Dave', '//Eve'];
const NEW = ['//Ferdie', '//Bob//stash', '//Charlie//stash', '//Dave//stash'];

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519' });
const node = await new Node('handover-bench', ['--dev', '--dev-block-time', '1000']).start();
const api = await node.api();
const workers = [];
try {
  const enigma = async (args, input) => {
    const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
    if (r.code !== 0) throw new Error(`enigma ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.toString().trim();
  };
  const old = await startWorkers(node, OLD, 'handover-bench-old');
  workers.push(...old);
  const from = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);
  const identity = await enigma(['identity', 'create', '--suri', '//Alice']);
  const values = Array.from({ length: n }, () => String(40_000 + Math.floor(Math.random() * 60_000))).join('\n');
  const secrets = (await enigma(['secret', 'share', '--suri', '//Alice', '--identity', identity, '--committee', from,
    '--type', 'u32', '--any-contract', '--value-file', '-', '--bootstrap', old[0].address], values)).split('\n');
  workers.push(...await startWorkers(node, NEW, 'handover-bench-new', () => ['--bootstrap', old[0].address]));
  // The old members leave, so that the new committee is the new four.
  for (const uri of OLD) await submit(api, api.tx.workers.unbond(), keyring.addFromUri(uri));
  const to = await enigma(['committee', 'request', '--size', '4', '--suri', '//Alice']);

  const before = (await api.rpc.chain.getHeader()).number.toNumber();
  const started = Date.now();
  const moved = (await enigma(['secret', 'hand-over', ...secrets, '--to', to, '--suri', '//Alice', '--timeout', '1200'])).split('\n');
  const seconds = (Date.now() - started) / 1000;
  const after = (await api.rpc.chain.getHeader()).number.toNumber();
  if (moved.length !== n) throw new Error(`${moved.length} of ${n} secrets moved`);
  const count = { handOverSecrets: 0, dealHandovers: 0, takeHandovers: 0, refuseHandover: 0 };
  for (let b = before + 1; b <= after; b++) {
    const block = await api.rpc.chain.getBlock(await api.rpc.chain.getBlockHash(b));
    for (const x of block.block.extrinsics) {
      if (x.method.section === 'secretCompute' && x.method.method in count) count[x.method.method]++;
    }
  }
  console.log(JSON.stringify({ secrets: n, type: 'u32', from: 4, to: 4, seconds, blocks: after - before, transactions: count }));
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await api.disconnect();
  await node.destroy();
}
process.exit(0);
