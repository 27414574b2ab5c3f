// End-to-end latency of an average-of-N-salaries task on the dev chain with four workers: from
// the block that includes submit_task to the block with TaskCompleted, in blocks and seconds.
//
//   node bench/salary-latency.mjs [N ...]        (default: 25 50 100)
//
// Needs ENIGMA_NODE, ENIGMA_WORKER and ENIGMA_CLIENT (scripts/bench-salary.sh sets them).
// Prints one JSON line per N.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, tempDir } from '../lib/node.js';
import { submit, findEvent } from '../lib/tx.js';
import { run, startWorkers, CLIENT_BIN } from '../lib/process.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const UNIT = 10n ** 12n;

const contractFor = (n) => `contract Average${n} {
    pub fn average(xs: private [u32; ${n}] @ each) {
        let mut total: private u64 = 0;
        for i in 0..${n} {
            total = total + xs[i];
        }
        output(reveal(total / ${n}));
    }
}
`;

await cryptoWaitReady();
const node = await new Node('bench', ['--dev', '--dev-block-time', '1000']).start();
const api = await node.api();
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
let workers = [];
try {
  workers = await startWorkers(node, ['//Bob', '//Charlie', '//Dave', '//Ferdie'], 'bench');
  const enigma = async (args, input) => {
    const r = await run(CLIENT_BIN, ['--rpc', node.wsUrl, ...args], input);
    if (r.code !== 0) throw new Error(`enigma ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.toString().trim();
  };
  const via = ['--bootstrap', workers[0].address];
  const seed = '0x' + randomBytes(32).toString('hex');
  const user = new Keyring({ type: 'sr25519' }).addFromSeed(Buffer.from(seed.slice(2), 'hex'));
  await submit(api, api.tx.balances.transferKeepAlive(user.address, 1_000_000n * UNIT), alice);
  const committee = await enigma(['committee', 'request', '--size', '4', '--suri', seed]);
  const identity = await enigma(['identity', 'create', '--suri', seed]);

  const secrets = [];
  for (const n of sizes.length ? sizes : [25, 50, 100]) {
    process.stderr.write(`sharing up to ${n} salaries...\n`);
    // `secret share` takes many values per call (one DHT client, one registration per 1,024
    // values); in chunks of 1,024 read from stdin, retried once, so a rejected transaction costs
    // a chunk, not the run.
    while (secrets.length < n) {
      const chunk = Array.from({ length: Math.min(1024, n - secrets.length) }, () => String(40_000 + Math.floor(Math.random() * 60_000)));
      // The same salaries feed a contract per size, so any contract may use them: they are
      // this user's own, and --any-contract is read access for whoever may compute on them.
      const args = ['secret', 'share', '--suri', seed, '--identity', identity, '--committee', committee,
        '--type', 'u32', '--any-contract', '--value-file', '-', ...via];
      const values = chunk.join('\n') + '\n';
      const ids = await enigma(args, values).catch((e) => {
        process.stderr.write(`retrying a chunk: ${e.message.split('\n').pop()}\n`);
        return enigma(args, values);
      });
      secrets.push(...ids.split('\n'));
      process.stderr.write(`${secrets.length} of ${n} shared\n`);
    }
    const file = join(tempDir('bench-contract'), `average${n}.enigma`);
    writeFileSync(file, contractFor(n));
    const contract = await enigma(['contract', 'deploy', file, '--suri', seed]);
    const gas = BigInt(JSON.parse(await enigma(['contract', 'quote', file, '--entry', 'average'])).total);

    // Thousands of inputs take longer than the default 20-block deadline on the dev chain
    // (a block a second): governance gives tasks more time, as an operator would.
    const deadline = n > 1000 ? 200 : 20;
    const sudo = api.tx.sudo.sudo(api.tx.parameters.setParameter({ Workers: { TaskDeadline: [null, deadline] } }));
    const set = await submit(api, sudo, alice);
    if (set.error) throw new Error(`setting the task deadline: ${set.error}`);
    const started = Date.now();
    const submitted = await submit(api, api.tx.secretCompute.submitTask(contract, 'average', secrets.slice(0, n), '0x', gas), user);
    const { task } = findEvent(submitted.events, 'secretCompute', 'TaskCreated').data;
    const createdAt = (await api.rpc.chain.getHeader(submitted.blockHash)).number.toNumber();
    let unsubscribe = () => {};
    const completedAt = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TaskCompleted for n = ${n}`)), 1_800_000);
      unsubscribe = api.rpc.chain.subscribeFinalizedHeads(async (header) => {
        const events = await (await api.at(header.hash)).query.system.events();
        for (const { event } of events) {
          if (event.section === 'secretCompute' && ['TaskCompleted', 'TaskFailed'].includes(event.method) && event.data.task.eq(task)) {
            clearTimeout(timer);
            if (event.method === 'TaskFailed') reject(new Error(`task failed for n = ${n}`));
            resolve(header.number.toNumber());
          }
        }
      });
    });
    (await unsubscribe)();
    const seconds = (Date.now() - started) / 1000;
    console.log(JSON.stringify({ inputs: n, committee: 4, blocks: completedAt - createdAt, seconds, gas: gas.toString() }));
  }
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await api.disconnect();
  await node.destroy();
}
process.exit(0);
