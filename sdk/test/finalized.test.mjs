// What decides where shares go is read at the finalized head, never at the best block (whose
// state a light client takes on its one author's word), and only from a recent head; a
// contract's code is checked against its hash. Against a fake chain whose best block lies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Enigma } from '../dist/index.js';

const MEMBER = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'; // //Alice
const HONEST_KEY = '0x' + '01'.repeat(32);
const FORGED_KEY = '0x' + 'ab'.repeat(32);
const some = (value) => ({ isNone: value === undefined, isSome: value !== undefined, unwrap: () => value });
const bytes = (hex) => Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));

/** A block's state: committee 7 is MEMBER, whose key is `key`; the block is `ageMs` old. */
const state = (key, ageMs = 0) => ({
  query: {
    timestamp: { now: async () => ({ toBigInt: () => BigInt(Date.now() - ageMs) }) },
    workers: {
      committees: async (id) => some(id === 7 ? [{ toString: () => MEMBER }] : undefined),
      workers: async () => some({ encryptionKey: bytes(key), peerId: bytes('0x00') }),
    },
  },
});

/** A chain whose best block has a forged key and whose finalized head `F` is `ageMs` old. */
const chain = (ageMs = 0, code = 'contract C {}') => ({
  isReady: Promise.resolve(),
  rpc: { chain: { getFinalizedHead: async () => 'F' } },
  at: async (hash) => (hash === 'F' ? state(HONEST_KEY, ageMs) : assert.fail(`read at ${hash}`)),
  query: {
    ...state(FORGED_KEY).query,
    secretCompute: { contracts: async () => some({ toU8a: () => Buffer.from(code) }) },
  },
});

test('committee members and their keys come from the finalized head', async () => {
  const sdk = await Enigma.create({ api: chain(), gateways: {} });
  const [member] = await sdk.members(7);
  assert.equal(member.encryptionKey, HONEST_KEY, 'not the best block\'s forged key');
  await assert.rejects(sdk.members(8), /no committee 8 in the finalized state/);
});

test('a finalized head older than ten minutes is refused', async () => {
  const sdk = await Enigma.create({ api: chain(11 * 60_000), gateways: {} });
  await assert.rejects(sdk.members(7), /the finalized head is 6\d\d s old/);
});

test('a contract whose code does not hash to its id is refused', async () => {
  const sdk = await Enigma.create({ api: chain(0, 'contract Forged {}'), gateways: {} });
  const real = '0x' + Buffer.from(await hash('contract C {}')).toString('hex');
  await assert.rejects(sdk.contractSource(real), /the node returned code that is not contract/);
  const honest = await Enigma.create({ api: chain(0, 'contract C {}'), gateways: {} });
  assert.equal(await honest.contractSource(real), 'contract C {}');
});

async function hash(text) {
  const { blake2AsU8a } = await import('@polkadot/util-crypto');
  return blake2AsU8a(Buffer.from(text), 256);
}
