// The development chain as polkadot-js sees it: transfers, governance parameters, named errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { Node } from '../lib/node.js';
import { submit, findEvent } from '../lib/tx.js';

let node, api, alice, bob, charlie, eve;
const UNIT = 10n ** 12n;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, charlie, eve] = ['//Alice', '//Bob', '//Charlie', '//Eve'].map((s) => keyring.addFromUri(s));
  node = await new Node('dev', ['--dev']).start();
  api = await node.api();
});

after(async () => {
  await api?.disconnect();
  await node?.destroy();
});

const freeOf = async (who) => (await api.query.system.account(who.address)).data.free.toBigInt();

test('the runtime identifies itself as enigma with the ENG token', async () => {
  assert.equal(api.runtimeVersion.specName.toString(), 'enigma');
  const props = await api.rpc.system.properties();
  assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'ENG');
  assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
});

test('a transfer moves the balance and emits Balances.Transfer', async () => {
  const amount = 12_345n * UNIT;
  const before = await freeOf(bob);
  const { events, error } = await submit(api, api.tx.balances.transferKeepAlive(bob.address, amount), alice);
  assert.equal(error, null);
  const transfer = findEvent(events, 'balances', 'Transfer');
  assert.ok(transfer, 'Transfer event');
  assert.equal(transfer.data.from.toString(), alice.address);
  assert.equal(transfer.data.to.toString(), bob.address);
  assert.equal(transfer.data.amount.toBigInt(), amount);
  assert.equal(await freeOf(bob), before + amount);
});

test('blocks are finalized at once on the dev chain', async () => {
  const head = await api.rpc.chain.getHeader();
  const finalized = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
  assert.ok(head.number.toNumber() - finalized.number.toNumber() <= 1);
  assert.ok(finalized.number.toNumber() >= 1);
});

test('a transfer above the balance fails with Token.FundsUnavailable and moves nothing', async () => {
  const before = await freeOf(charlie);
  const tooMuch = (await freeOf(eve)) + 1n;
  const { events, error } = await submit(api, api.tx.balances.transferAllowDeath(charlie.address, tooMuch), eve);
  assert.deepEqual(error, { kind: 'Token', name: 'FundsUnavailable' });
  assert.ok(findEvent(events, 'system', 'ExtrinsicFailed'));
  assert.equal(await freeOf(charlie), before);
});

test('a sudo call from a non-sudo account fails with the named module error Sudo.RequireSudo', async () => {
  const call = api.tx.system.remark('not root');
  const { error } = await submit(api, api.tx.sudo.sudo(call), bob);
  assert.deepEqual(error, { section: 'sudo', name: 'RequireSudo' });
});

const rentKey = { Storage: { RentPerByteBlock: null } };
const readRent = async () => {
  const value = await api.query.parameters.parameters(rentKey);
  return value.isSome ? value.unwrap().asStorage.asRentPerByteBlock.toBigInt() : null;
};

test('sudo sets an Enigma parameter through pallet-parameters and it reads back', async () => {
  const set = api.tx.parameters.setParameter({ Storage: { RentPerByteBlock: [null, 42] } });
  const { events, error } = await submit(api, api.tx.sudo.sudo(set), alice);
  assert.equal(error, null);
  const sudid = findEvent(events, 'sudo', 'Sudid');
  assert.ok(sudid.data.sudoResult.isOk, `inner call failed: ${sudid.data.sudoResult}`);
  assert.ok(findEvent(events, 'parameters', 'Updated'));
  assert.equal(await readRent(), 42n);
});

test('a plain signed call cannot change a parameter (BadOrigin)', async () => {
  const { error } = await submit(api, api.tx.parameters.setParameter({ Storage: { RentPerByteBlock: [null, 1] } }), bob);
  assert.deepEqual(error, { kind: 'BadOrigin' });
  assert.equal(await readRent(), 42n);
});

test('a council majority (2 of 3) sets a parameter', async () => {
  const call = api.tx.parameters.setParameter({ Workers: { CommitteeSize: [null, 7] } });
  const lengthBound = call.method.encodedLength;
  const proposed = await submit(api, api.tx.council.propose(2, call, lengthBound), alice);
  assert.equal(proposed.error, null);
  const { proposalIndex, proposalHash } = findEvent(proposed.events, 'council', 'Proposed').data;
  // Proposing is not voting: Alice and Bob both vote aye.
  for (const member of [alice, bob]) {
    assert.equal((await submit(api, api.tx.council.vote(proposalHash, proposalIndex, true), member)).error, null);
  }
  const weightBound = { refTime: 10_000_000_000n, proofSize: 1_000_000n };
  const closed = await submit(api, api.tx.council.close(proposalHash, proposalIndex, weightBound, lengthBound), charlie);
  assert.equal(closed.error, null);
  const executed = findEvent(closed.events, 'council', 'Executed');
  assert.ok(executed, 'motion executed');
  assert.ok(executed.data.result.isOk, `motion failed: ${executed.data.result}`);
  const value = await api.query.parameters.parameters({ Workers: { CommitteeSize: null } });
  assert.equal(value.unwrap().asWorkers.asCommitteeSize.toNumber(), 7);
});

test('runtime upgrades go through system.authorize_upgrade + apply_authorized_upgrade', async () => {
  // Hex, because polkadot-js reads a Uint8Array given for `Bytes` as already length-prefixed.
  const code = u8aToHex((await api.rpc.state.getStorage(':code')).unwrap().toU8a(true));
  const hash = blake2AsHex(code, 256);

  // Only root may authorize.
  const denied = await submit(api, api.tx.system.authorizeUpgrade(hash), bob);
  assert.deepEqual(denied.error, { kind: 'BadOrigin' });

  // Nothing authorized yet: refused by name.
  const early = await submit(api, api.tx.system.applyAuthorizedUpgrade(code), bob);
  assert.deepEqual(early.error, { section: 'system', name: 'NothingAuthorized' });

  // Authorized with version checks: other code is refused, and the same spec_version is
  // rejected without changing anything.
  const authorized = await submit(api, api.tx.sudo.sudo(api.tx.system.authorizeUpgrade(hash)), alice);
  assert.ok(findEvent(authorized.events, 'system', 'UpgradeAuthorized'));
  const other = await submit(api, api.tx.system.applyAuthorizedUpgrade(`${code}00`), bob);
  assert.deepEqual(other.error, { section: 'system', name: 'Unauthorized' });
  const rejected = await submit(api, api.tx.system.applyAuthorizedUpgrade(code), bob);
  const event = findEvent(rejected.events, 'system', 'RejectedInvalidAuthorizedUpgrade');
  assert.ok(event, 'RejectedInvalidAuthorizedUpgrade');
  assert.equal(api.registry.findMetaError(event.data.error.asModule).name, 'SpecVersionNeedsToIncrease');

  // Authorized without checks: anyone may supply the code, the code is replaced and blocks go on.
  await submit(api, api.tx.sudo.sudo(api.tx.system.authorizeUpgradeWithoutChecks(hash)), alice);
  const applied = await submit(api, api.tx.system.applyAuthorizedUpgrade(code), bob);
  assert.equal(applied.error, null);
  assert.ok(findEvent(applied.events, 'system', 'CodeUpdated'), 'CodeUpdated');
  const after = await submit(api, api.tx.balances.transferKeepAlive(charlie.address, UNIT), alice);
  assert.equal(after.error, null);
});
