// The four-validator local testnet (Aura + GRANDPA) on loopback: finality, fault tolerance
// with one validator down, and catch-up of a restarted validator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, freePort, peerIdOf, waitUntil } from '../lib/node.js';

// The network starts from the committed raw chain spec, as a real deployment would.
const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'chain-specs', 'local-testnet.raw.json');

// Fixed libp2p keys: validators need one, and Alice's peer id must be known to boot from her.
const nodeKey = (i) => (i + 1).toString(16).padStart(64, '0');
const ALICE_NODE_KEY = nodeKey(0);
let nodes = [];
let apis = [];

const finalizedNumber = async (api) =>
  (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
const bestNumber = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();

before(async () => {
  const aliceP2p = await freePort();
  const bootnode = `/ip4/127.0.0.1/tcp/${aliceP2p}/p2p/${peerIdOf(ALICE_NODE_KEY)}`;
  nodes = ['alice', 'bob', 'charlie', 'dave'].map((who, i) =>
    who === 'alice'
      ? new Node(who, ['--chain', SPEC, '--alice'], { p2pPort: aliceP2p, nodeKey: ALICE_NODE_KEY })
      : new Node(who, ['--chain', SPEC, `--${who}`, '--bootnodes', bootnode], { nodeKey: nodeKey(i) }),
  );
  await Promise.all(nodes.map((n) => n.start()));
  apis = await Promise.all(nodes.map((n) => n.api()));
});

after(async () => {
  await Promise.all(apis.map((a) => a.disconnect().catch(() => {})));
  await Promise.all(nodes.map((n) => n.destroy()));
});

test('all four validators are connected and blocks finalize', async () => {
  await waitUntil('every node sees 3 peers', async () => {
    const peers = await Promise.all(apis.map(async (a) => (await a.rpc.system.health()).peers.toNumber()));
    return peers.every((p) => p === 3);
  }, { timeoutMs: 60_000 });
  await waitUntil('block 3 finalized on every node', async () =>
    (await Promise.all(apis.map(finalizedNumber))).every((n) => n >= 3), { timeoutMs: 90_000 });
  const authorities = await apis[0].query.aura.authorities();
  assert.equal(authorities.length, 4);
});

test('finality continues with one of four validators killed, and it catches up after a restart', async () => {
  const dave = nodes[3];
  await apis[3].disconnect();
  await dave.kill();
  const atKill = await finalizedNumber(apis[0]);

  // Three of four validators are more than two thirds: GRANDPA keeps finalizing.
  await waitUntil(`finality past ${atKill + 3} without Dave`, async () =>
    (await finalizedNumber(apis[0])) >= atKill + 3, { timeoutMs: 90_000 });

  await dave.start();
  apis[3] = await dave.api();
  const target = await finalizedNumber(apis[0]);
  await waitUntil(`Dave back and finalized to #${target}`, async () =>
    (await finalizedNumber(apis[3])) >= target, { timeoutMs: 120_000 });
  assert.ok((await bestNumber(apis[3])) >= target);
  // Dave resumed from its own database rather than starting over.
  const daveGenesis = (await apis[3].rpc.chain.getBlockHash(0)).toHex();
  assert.equal(daveGenesis, (await apis[0].rpc.chain.getBlockHash(0)).toHex());
});
