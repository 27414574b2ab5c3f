// The steps of a blind vote, as the organizer's and the voters' pages take them, over
// @enigma/sdk. Nothing here touches the page: main.js shows what these return.
import { blake2AsHex } from '@polkadot/util-crypto';
import ballotSource from '../../contracts/ballot.enigma?raw';

export const CANDIDATES = ['Ada', 'Grace', 'Hedy'];
export const VOTERS = 3;
export const COMMITTEE_SIZE = 4;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A vote travels in the page's URL: the committee holding its ballots, the ballot contract, the organizer. */
export function voteFromHash(hash) {
  const m = /vote=(\d+):(0x[0-9a-f]{64}):(\w+)/.exec(hash);
  return m ? { committee: Number(m[1]), contract: m[2], organizer: m[3] } : null;
}

export function voteHash(vote) {
  return `#vote=${vote.committee}:${vote.contract}:${vote.organizer}`;
}

/** The organizer opens a vote: a committee of four workers, and the ballot contract deployed. */
export async function openVote(sdk, account) {
  const committee = await sdk.requestCommittee(account, COMMITTEE_SIZE);
  const contract = await sdk.deployContract(account, ballotSource);
  return { committee, contract, organizer: account.address };
}

const same = (a, b) => a.toString() === b.toString();

/** Identities that voters proposed with the organizer as a member, waiting for its consent. */
export async function pendingVoters(api, vote) {
  const entries = await api.query.sharedIdentity.identities.entries();
  return entries
    .map(([key, record]) => ({ identity: key.args[0].toHex(), record: record.unwrap() }))
    .filter(({ record }) => !record.active.isTrue && record.members.some((m) => same(m.account, vote.organizer) && !m.approved.isTrue))
    .map(({ identity }) => identity);
}

/** Ballots of this vote every committee member holds: the vote's committee, the ballot contract
 *  allowed, an owner identity the organizer may compute for. One per identity, oldest first. */
export async function readyBallots(api, vote) {
  const entries = await api.query.secretCompute.secrets.entries();
  const ballots = new Map();
  for (const [key, info] of entries) {
    const secret = info.unwrap();
    if (secret.committee.toNumber() !== vote.committee || !secret.ready.isTrue || secret.origin.isSome) continue;
    if (!JSON.stringify(secret.computePredicate.toJSON()).includes(vote.contract)) continue;
    const owner = await api.query.sharedIdentity.identities(secret.owner);
    if (owner.isNone || !owner.unwrap().members.some((m) => same(m.account, vote.organizer))) continue;
    ballots.set(secret.owner.toHex(), key.args[0].toHex());
  }
  return [...ballots.values()];
}

/** The organizer counts the first three ballots: the counts come back public. */
export async function tally(sdk, account, vote, ballots) {
  const task = await sdk.submitTask(account, { contract: vote.contract, entry: 'tally', inputs: ballots.slice(0, VOTERS) });
  return sdk.waitTask(task, { account });
}

/** A voter casts a ballot: an identity of their own in which the organizer may only compute,
 *  approved by the organizer's page, then the ballot secret-shared from this page. */
export async function castBallot(sdk, account, vote, candidate, progress) {
  // The link names the contract the ballot will be usable by: only the ballot contract this page
  // carries (a contract's id is its code's hash), never one that would publish it.
  const ballotContract = blake2AsHex(ballotSource, 256);
  if (vote.contract !== ballotContract) {
    throw new Error(`this vote's link names contract ${vote.contract}, not the ballot contract ${ballotContract}: your ballot would not be counted by it, and could be published`);
  }
  progress('proposing your ballot identity (you, and the organizer, who may only count)…');
  const { identity } = await sdk.createIdentity(account, [{ address: vote.organizer, permissions: ['Compute'] }]);
  progress('waiting for the organizer to approve…');
  for (;;) {
    const view = await sdk.api.call.sharedIdentityApi.identity(identity);
    if (view.isSome && view.unwrap().active.isTrue) break;
    await sleep(1000);
  }
  progress('sharing your ballot with the committee…');
  const [ballot] = await sdk.shareSecrets(account, { identity, committee: vote.committee, values: [candidate], kind: 'u8', contracts: [vote.contract] });
  return ballot;
}

/** The task that counted `ballot`, once the organizer submitted it. */
export async function countingTask(api, vote, ballot) {
  for (const [key, info] of await api.query.secretCompute.tasks.entries()) {
    const task = info.unwrap();
    if (task.contract.toHex() === vote.contract && task.inputs.some((i) => i.toHex() === ballot)) return key.args[0].toHex();
  }
  return null;
}

/** The counts per candidate, the ballot counted for this account if it cast one, and why a
 *  ballot it may read could not be collected, if so. */
export function readOutcome(outcome) {
  const counts = CANDIDATES.map((name, i) => ({ name, votes: Number(outcome.public[`out${i}`] ?? 0n) }));
  const mine = Object.values(outcome.private);
  return { counts, receipt: mine.length ? CANDIDATES[Number(mine[0])] : null, failed: Object.values(outcome.errors)[0] ?? null };
}
