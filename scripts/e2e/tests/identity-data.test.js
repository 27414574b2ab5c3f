// Seed 004's Taccess/Tdata flow through polkadot-js: a user and a service form a shared
// identity, the user stores a data pointer, the service may read it until the user revokes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';
import { blake2AsHex, blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import { Node, waitUntil } from '../lib/node.js';
import { submit, findEvent } from '../lib/tx.js';

let node, api, user, service, eve;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [user, service, eve] = ['//Alice', '//Bob', '//Eve'].map((s) => keyring.addFromUri(s));
  node = await new Node('identity', ['--dev', '--dev-block-time', '1000']).start();
  api = await node.api();
});

after(async () => {
  await api?.disconnect();
  await node?.destroy();
});

const everything = { permissions: ['Read', 'Store', 'Compute', 'Declassify', 'Admin'], predicate: ['Always'] };
const readAsMember = { permissions: ['Read'], predicate: ['Member'] };
const canRead = async (who, pointer) =>
  (await api.call.dataRegistryApi.canRead(who.address, pointer, [], null)).isTrue;

test('Taccess / Tdata: share, store, read, revoke, refused', async () => {
  // T_access: the user proposes the shared identity, the service consents.
  const members = [[user.address, [everything]], [service.address, [readAsMember]]];
  const proposed = await submit(api, api.tx.sharedIdentity.create(members), user);
  assert.equal(proposed.error, null);
  const identity = findEvent(proposed.events, 'sharedIdentity', 'Proposed').data.identity.toHex();
  // addr_P = blake2_256(pk_user ‖ pk_service)
  assert.equal(identity, blake2AsHex(u8aConcat(user.publicKey, service.publicKey), 256));
  // The service approves the proposal it read (members and policies, by hash).
  const { proposal } = (await api.call.sharedIdentityApi.identity(identity)).unwrap();
  const approved = await submit(api, api.tx.sharedIdentity.approve(identity, proposal), service);
  assert.ok(findEvent(approved.events, 'sharedIdentity', 'Created'));
  const view = (await api.call.sharedIdentityApi.identity(identity)).unwrap();
  assert.equal(view.active.isTrue, true);

  // T_data: the ciphertext goes to the DHT; the chain keeps H(addr_P ‖ ciphertext).
  const ciphertext = stringToU8a('encrypted location: 40.7128,-74.0060');
  const pointer = u8aToHex(blake2AsU8a(u8aConcat(identity, ciphertext), 256));
  const stored = await submit(
    api, api.tx.dataRegistry.store(identity, pointer, ciphertext.length, ['Always'], 1, false), user);
  assert.equal(stored.error, null);
  const event = findEvent(stored.events, 'dataRegistry', 'Stored').data;
  assert.equal(event.pointer.toHex(), pointer);
  const info = (await api.call.dataRegistryApi.dataInfo(pointer)).unwrap();
  // (`.size` of a polkadot-js struct is its field count: read the field through toJSON.)
  assert.equal(info.toJSON().size, ciphertext.length);
  assert.equal(info.restricted.isTrue, false);

  // Load: the service may read, a stranger may not.
  assert.equal(await canRead(service, pointer), true);
  assert.equal(await canRead(eve, pointer), false);

  // The user revokes the service's access (T_access again); it applies from the next block.
  const revoked = await submit(api, api.tx.sharedIdentity.setPolicy(identity, service.address, []), user);
  const changed = findEvent(revoked.events, 'sharedIdentity', 'PolicyChanged').data;
  const from = changed.effectiveFrom.toNumber();
  await waitUntil(`block #${from}`, async () => (await api.rpc.chain.getHeader()).number.toNumber() >= from);
  assert.equal(await canRead(service, pointer), false);
  assert.equal(await canRead(user, pointer), true);
});

test('malformed and unauthorized calls fail with their named module errors', async () => {
  const malformed = await submit(
    api, api.tx.sharedIdentity.create([[eve.address, [{ permissions: ['Read'], predicate: ['And', 'Always'] }]]]), eve);
  assert.deepEqual(malformed.error, { section: 'sharedIdentity', name: 'MalformedPredicate' });

  const members = [[eve.address, [everything]]];
  const created = await submit(api, api.tx.sharedIdentity.create(members), eve);
  const identity = findEvent(created.events, 'sharedIdentity', 'Created').data.identity.toHex();

  const unauthorized = await submit(
    api, api.tx.dataRegistry.store(identity, blake2AsHex('x'), 10, ['Always'], 1, false), service);
  assert.deepEqual(unauthorized.error, { section: 'dataRegistry', name: 'NoPermission' });

  const notMember = await submit(api, api.tx.sharedIdentity.setPolicy(identity, eve.address, []), service);
  assert.deepEqual(notMember.error, { section: 'sharedIdentity', name: 'NotMember' });

  const tooBig = await submit(api, api.tx.dataRegistry.store(identity, blake2AsHex('y'), 0, ['Always'], 1, false), eve);
  assert.deepEqual(tooBig.error, { section: 'dataRegistry', name: 'InvalidSize' });
});
