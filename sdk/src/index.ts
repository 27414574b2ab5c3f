// @enigma/sdk: everything the `enigma` CLI does, from a web page or Node.js.
//
// The chain is reached through @polkadot/api; the workers through their HTTP gateways
// (`enigma-worker run --http-gateway`), which answer the same requests as their libp2p protocol.
// Shares, sealed answers and reconstructions are computed by the CLI's own Rust, compiled to
// WebAssembly (./wasm.ts), so both clients agree byte for byte.
//
// What the SDK trusts: the chain its `api` reads. Over a light client (./light.ts:
// `lightClientProvider`, smoldot) every read is checked against a header's state root, and what
// decides where shares go or what the SDK accepts (committees and worker keys, secret records,
// identity proposals, task outcomes) is read at the finalized head, at most ten minutes old, so
// a lie needs two thirds of the validators, as with the CLI's storage proofs against a justified
// header. Over a plain WebSocket provider it is the RPC node, as in polkadot-js apps: a node that
// lies can have shares sealed to keys of its choosing, so use your own node or the light client.

import type { ApiPromise } from '@polkadot/api';
import type { Signer, SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import { hexToU8a, stringToHex, u8aConcat, u8aToHex, u8aToString } from '@polkadot/util';
import { blake2AsHex, decodeAddress } from '@polkadot/util-crypto';
import { EnigmaError, Wasm, type WasmSource } from './wasm.js';

export { EnigmaError, Wasm, type WasmSource };
export { lightClientDatabase, lightClientProvider, type LightChain, type LightClient } from './light.js';

/** What a member of a shared identity may do with its data. */
export type Permission = 'Read' | 'Store' | 'Compute' | 'Declassify' | 'Admin';
/** What a secret holds: an unsigned integer of that width, or a field element. */
export type Kind = 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'field';
/** Whom a secret's privacy holds against: fewer than half the committee, or all members but one. */
export type Security = 'honest-majority' | 'dishonest-majority';
/** A keyring pair (Node.js, tests), or an address with a browser wallet's signer. */
export type Account = KeyringPair | { address: string; signer: Signer };
/** Each worker's gateway URL by account (SS58), or a function that finds it. */
export type Gateways = Record<string, string> | ((account: string) => string | undefined);
/** Told of each member (its account) whose answer a reconstruction left out, and why: a share
 *  that is not the one it was dealt or computed (evidence against that member), or no answer at
 *  all. The value came from the other members' shares. `why` may quote what the member's
 *  gateway sent: text to show as text, never as HTML. */
export type LeftOut = (member: string, why: string) => void;

/** Called as long work goes on: what is being done, how much of it. */
export type Progress = (stage: string, done: number, total: number) => void;

/** A transaction the chain refused, with the pallet's error (e.g. `SecretCompute::NoPermission`). */
export class TransactionError extends EnigmaError {
  constructor(readonly section: string, readonly error: string) {
    super(`${section}::${error}`);
    this.name = 'TransactionError';
  }
}

/** A gateway's refusal, in its own words (which it may choose freely: never a verdict on its own). */
export class GatewayRefusal extends EnigmaError {
  constructor(readonly worker: string, readonly reason: string) {
    super(reason);
    this.name = 'GatewayRefusal';
  }
}

/** The data key does not open the record: found here, on a record checked against its pointer
 *  and its writer's signature, so another gateway's copy would not open either. */
export class WrongDataKey extends EnigmaError {
  constructor(message: string) {
    super(message);
    this.name = 'WrongDataKey';
  }
}

/** A committee member as the client seals shares to it. */
export interface Member {
  address: string;
  /** Its x25519 key (hex), from its registration on chain. */
  encryptionKey: string;
  gateway?: string;
}

/** A completed task: its public outputs, the private ones the account may read, its ledger writes. */
export interface TaskOutcome {
  task: string;
  status: 'Completed';
  gasUsed: bigint;
  public: Record<string, bigint>;
  private: Record<string, bigint>;
  /** Private outputs the account may read but could not collect, and why (e.g. a false share detected). */
  errors: Record<string, string>;
  ledger: Record<string, bigint>;
}

export interface ShareOptions {
  identity: string;
  committee: number;
  values: (bigint | number | string)[];
  kind: Kind;
  security?: Security;
  /** Contracts that may compute on the values (none: any). */
  contracts?: string[];
  onProgress?: Progress;
}

export interface TaskOptions {
  contract: string;
  entry: string;
  inputs: string[];
  /** Public arguments as JSON (`{"n": 3}`), as the contract's entry declares them. */
  args?: string;
  /** The most the task may cost; by default exactly its quote. */
  gasLimit?: bigint;
}

const EVERYTHING: Permission[] = ['Read', 'Store', 'Compute', 'Declassify', 'Admin'];
/** The oldest a finalized head may be to read from (the CLI's MAX_HEAD_AGE). */
const MAX_HEAD_AGE_MS = 10 * 60_000;
/** How long a gateway may take to answer (a worker's own limit is 60 s per connection). */
const POST_TIMEOUT_MS = 90_000;
/** The largest answer taken from a gateway: a record of a worker's largest request body (8 MiB),
 *  sealed, with room to spare. A gateway that sends more is cut off, not buffered. */
const MAX_ANSWER_BYTES = 16 << 20;
/** Values registered per transaction (the runtime's MaxSecretBatch). */
const SECRET_BATCH = 1024;

export class Enigma {
  private constructor(
    readonly api: ApiPromise,
    readonly wasm: Wasm,
    private readonly gateways: Gateways,
    private readonly onLeftOut?: LeftOut,
  ) {}

  /** Loads the WebAssembly module (by default `enigma.wasm` next to this file). `genesisHash`,
   *  the hash of block 0 of the chain the app is for, pins it: a node that claims another chain
   *  is refused before anything is signed (polkadot-js signs for the genesis the node reports,
   *  and a transaction signed for another chain is valid there, identities' ids being the same
   *  on every chain). A light client pins its chain by its spec already. */
  static async create(options: { api: ApiPromise; gateways: Gateways; wasm?: WasmSource; genesisHash?: string; onLeftOut?: LeftOut }): Promise<Enigma> {
    await options.api.isReady;
    const served = options.api.genesisHash.toHex();
    const pinned = options.genesisHash?.toLowerCase().replace(/^(0x)?/, '0x');
    if (pinned !== undefined && served !== pinned) {
      throw new EnigmaError(`the node serves chain ${served}, not ${options.genesisHash}: nothing is signed for it`);
    }
    return new Enigma(options.api, await Wasm.load(options.wasm), options.gateways, options.onLeftOut);
  }

  // ---- transactions

  /** Signs and sends `tx`, resolves in its finalized block, throws a TransactionError if it failed. */
  submit(tx: SubmittableExtrinsic<'promise'>, account: Account): Promise<{ blockHash: string; events: any[] }> {
    return new Promise((resolve, reject) => {
      let unsubscribe: (() => void) | undefined;
      const [signer, options] = 'signer' in account && !('sign' in account) ? [account.address, { signer: account.signer }] : [account as KeyringPair, {}];
      tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
        if (status.isInvalid || status.isDropped || status.isUsurped) {
          unsubscribe?.();
          reject(new EnigmaError(`transaction ${status.type}`));
        }
        if (!status.isFinalized) return;
        unsubscribe?.();
        if (dispatchError) {
          if (dispatchError.isModule) {
            const { section, name } = this.api.registry.findMetaError(dispatchError.asModule);
            return reject(new TransactionError(section.charAt(0).toUpperCase() + section.slice(1), name));
          }
          return reject(new TransactionError('System', dispatchError.type));
        }
        resolve({ blockHash: status.asFinalized.toHex(), events: events.map((r) => r.event) });
      })
        .then((u) => { unsubscribe = u; })
        .catch(reject);
    });
  }

  // ---- shared identities

  /** Proposes a shared identity of `account` (every permission) and `members`; it is active once
   *  every member approved it. */
  async createIdentity(account: Account, members: { address: string; permissions: Permission[] }[] = []): Promise<{ identity: string; active: boolean }> {
    const grant = (permissions: Permission[]) => (permissions.length ? [{ permissions, predicate: ['Always'] }] : []);
    const all = [[account.address, grant(EVERYTHING)], ...members.filter((m) => m.address !== account.address).map((m) => [m.address, grant(m.permissions)])];
    const { events } = await this.submit(this.api.tx.sharedIdentity.create(all), account);
    return { identity: event(events, 'sharedIdentity', 'Proposed').data.identity.toHex(), active: !!findEvent(events, 'sharedIdentity', 'Created') };
  }

  /** Approves the identity's proposal (members and policies, by hash): `proposal`, the hash the
   *  member reviewed (`enigma identity show` prints it with every member's policy), or else the
   *  one finalized now, unseen: a co-member may have withdrawn the proposal and made it again
   *  with other policies under the same identity. The chain refuses the approval if the
   *  proposal changed since the hash given. Resolves to whether the identity is now active. */
  async approveIdentity(account: Account, identity: string, proposal?: string): Promise<boolean> {
    if (proposal === undefined) {
      // The proposal as finalized: a node must not get another one approved.
      const view = (await (await this.finalized()).call.sharedIdentityApi.identity(identity)) as any;
      if (view.isNone) throw new EnigmaError(`no identity ${identity}`);
      proposal = view.unwrap().proposal.toHex();
    }
    const { events } = await this.submit(this.api.tx.sharedIdentity.approve(identity, proposal), account);
    return !!findEvent(events, 'sharedIdentity', 'Created');
  }

  /** Sets what `member` may do with the identity's data (none: nothing). Needs Admin. */
  async setPolicy(account: Account, identity: string, member: string, permissions: Permission[]): Promise<void> {
    const policy = permissions.length ? [{ permissions, predicate: ['Always'] }] : [];
    await this.submit(this.api.tx.sharedIdentity.setPolicy(identity, member, policy), account);
  }

  // ---- committees

  /** Asks for a committee of `size` workers and waits until the chain draws it (a few blocks). */
  async requestCommittee(account: Account, size: number, timeoutMs = 60_000): Promise<number> {
    const { events } = await this.submit(this.api.tx.workers.requestCommittee(size), account);
    const id = event(events, 'workers', 'CommitteeRequested').data.id.toNumber();
    await until(`committee ${id} drawn and finalized`, timeoutMs, async () => ((await (await this.finalized()).query.workers.committees(id)) as any).isSome);
    return id;
  }

  /** A committee's members, with the keys shares are sealed to and their gateways: read at the
   *  finalized head, which a light client has checked against the validators' signatures. */
  async members(committee: number): Promise<Member[]> {
    const at = await this.finalized();
    const members = (await at.query.workers.committees(committee)) as any;
    if (members.isNone) throw new EnigmaError(`no committee ${committee} in the finalized state`);
    return this.workers(at, members.unwrap().map((m: any) => m.toString()));
  }

  /** The state at the finalized head (not the best block, which one block author vouches for),
   *  refused if that head is older than MAX_HEAD_AGE_MS by its own timestamp: peers holding a
   *  light client back (or a node) could otherwise show it old committees and keys. */
  private async finalized() {
    const at = await this.api.at(await this.api.rpc.chain.getFinalizedHead());
    const age = Date.now() - Number(((await at.query.timestamp.now()) as any).toBigInt());
    if (age > MAX_HEAD_AGE_MS) throw new EnigmaError(`the finalized head is ${Math.round(age / 1000)} s old: the chain has not finalized since, or the client is held back; try again or use other nodes`);
    return at;
  }

  private async workers(at: Awaited<ReturnType<Enigma['finalized']>>, accounts: string[]): Promise<Member[]> {
    return Promise.all(accounts.map(async (address) => {
      const entry = (await at.query.workers.workers(address)) as any;
      if (entry.isNone) throw new EnigmaError(`${address} is not a registered worker`);
      return { address, encryptionKey: u8aToHex(entry.unwrap().encryptionKey), gateway: this.gatewayOf(address) };
    }));
  }

  private gatewayOf(address: string): string | undefined {
    if (typeof this.gateways === 'function') return this.gateways(address);
    const key = u8aToHex(decodeAddress(address));
    const found = Object.entries(this.gateways).find(([account]) => u8aToHex(decodeAddress(account)) === key);
    return found?.[1];
  }

  // ---- secrets

  /** Shares values with a committee (Pedersen VSS, each share sealed to its member), registers
   *  them on chain and waits until every member acknowledged its shares. Resolves to the
   *  secrets' ids, in the values' order. */
  async shareSecrets(account: Account, options: ShareOptions): Promise<string[]> {
    const { identity, committee, values, kind, security = 'honest-majority', contracts = [], onProgress } = options;
    const members = await this.members(committee);
    const predicate = contracts.length ? [{ Contracts: contracts }] : ['Always'];
    const ids: string[] = [];
    for (let at = 0; at < values.length; at += SECRET_BATCH) {
      const batch = values.slice(at, at + SECRET_BATCH).map(String);
      const dealt = this.wasm.call<{ requests: { body: string; count: number }[][]; secrets: { commitment: string; id: string }[] }>('deal', {
        values: batch, kind, security, identity, committee, keys: members.map((m) => m.encryptionKey),
      });
      const secrets = dealt.secrets.map((s) => [s.commitment, chainKind(kind)]);
      const register = () => this.submit(this.api.tx.secretCompute.registerSecrets(identity, committee, predicate, secrets, security === 'dishonest-majority' ? 'DishonestMajority' : 'HonestMajority'), account);
      let waiting = await this.deliver(members, dealt.requests, members.map((_, i) => i));
      if (waiting.length === 0) {
        onProgress?.('delivered', at + batch.length, values.length);
        await register();
        onProgress?.('registered', at + batch.length, values.length);
      } else {
        // Members hold as many unregistered shares of this identity as they keep (anyone can
        // deal to their keys): the batch is registered first, then delivered again to them once
        // their node has the registration.
        await register();
        onProgress?.('registered', at + batch.length, values.length);
        for (const wait of [0, 1_000, 2_000, 4_000]) {
          await new Promise((r) => setTimeout(r, wait));
          waiting = await this.deliver(members, dealt.requests, waiting);
          if (waiting.length === 0) break;
        }
        if (waiting.length) throw new EnigmaError(`${members[waiting[0]].address} does not take its shares of registered secrets`);
        onProgress?.('delivered', at + batch.length, values.length);
      }
      ids.push(...dealt.secrets.map((s) => s.id));
    }
    // Ready as finalized: a best block is one author's word (or the RPC node's), and a caller
    // told its values are held may let their only other copy go.
    // (A read that fails, or a finalized head too old for now, is tried again until the
    // deadline: the values are registered and paid for, and the error names them.)
    let acknowledged = 0;
    let trouble = '';
    await until('every member acknowledged its shares, finalized', 120_000 + values.length * 100, async () => {
      try {
        const at = await this.finalized();
        while (acknowledged < ids.length) {
          const batch = ids.slice(acknowledged, acknowledged + SECRET_BATCH);
          const views = (await at.call.secretComputeApi.secrets(batch)) as any[];
          const waiting = views.findIndex((v: any) => v.isNone || !v.unwrap().ready.isTrue);
          acknowledged += waiting === -1 ? batch.length : waiting;
          onProgress?.('acknowledged', acknowledged, ids.length);
          if (waiting !== -1) return false;
        }
        return true;
      } catch (e) {
        trouble = ` (last: ${(e as Error).message})`;
        return false;
      }
    }).catch((e: Error) => {
      throw new EnigmaError(`${e.message}${trouble}; ${acknowledged} of ${ids.length} acknowledged; the values are registered as ${ids.join(', ')}`);
    });
    return ids;
  }

  /** Hands members `to` their requests of a dealing; resolves to those that asked for the batch
   *  to be registered first, and throws on any other refusal. */
  private async deliver(members: Member[], requests: { body: string; count: number }[][], to: number[]): Promise<number[]> {
    const registerFirst = this.wasm.call<string>('registerFirst');
    const asked = await Promise.all(to.map(async (i) => {
      const member = members[i];
      for (const { body, count } of requests[i]) {
        let verdicts: (string | null)[];
        try {
          verdicts = this.wasm.call<(string | null)[]>('sharesAccepted', { answer: await post(member, body), count });
        } catch (e) {
          if (e instanceof EnigmaError && e.message.endsWith(registerFirst)) return true;
          throw e;
        }
        const refused = verdicts.find((v) => v !== null);
        if (refused) throw new EnigmaError(`${member.address} refused its share: ${refused}`);
      }
      return false;
    }));
    return to.filter((_, k) => asked[k]);
  }

  /** Gets a secret's value back (needs Declassify on its identity): the chain takes and records
   *  the request, then every member hands its share, sealed to a key only this call holds. */
  async declassify(account: Account, secret: string): Promise<bigint> {
    const found = (await (await this.finalized()).call.secretComputeApi.secret(secret)) as any;
    if (found.isNone) throw new EnigmaError(`unknown secret ${secret}`);
    const view = found.unwrap();
    const { blockHash: at } = await this.submit(this.api.tx.secretCompute.declassify(secret), account);
    // A secret a client dealt comes with Pedersen commitments; one a task made does not, and one
    // a dishonest-majority task made comes as an SPDZ output does (every share, with its check).
    const computed = view.security.isDishonestMajority ? 'spdz-output' : 'computed';
    const shared = view.origin.isSome ? computed : { commitment: view.commitment.toHex(), kind: view.kind.isInt ? { int: { bits: view.kind.asInt.bits.toNumber() } } : 'Field' };
    const members = await this.members(view.committee.toNumber());
    return this.collect(account, members, shared, 'declassifyRequest', { secret, at });
  }

  /** Asks every member for its share (a request signed by `account` naming a fresh reply key) and
   *  reconstructs the value; false shares are left out where the sharing allows it. */
  private async collect(account: Account, members: Member[], shared: unknown, method: string, arg: Record<string, unknown>): Promise<bigint> {
    const reply = this.wasm.call<{ secret: string; public: string }>('replyKey');
    const who = u8aToHex(decodeAddress(account.address));
    const { message } = this.wasm.call<{ message: string }>(method, { ...arg, who, replyTo: reply.public });
    const signature = await signRaw(account, message);
    const { request } = this.wasm.call<{ request: string }>(method, { ...arg, who, replyTo: reply.public, signature });
    const answers = await Promise.all(members.map((m) => post(m, request).catch((e: Error) => ({ error: e.message }))));
    // (`member` is the position of the member in `members`.)
    const back = this.wasm.call<{ value: string; leftOut?: { member: number; why: string }[] }>('reconstruct', {
      answers, keys: members.map((m) => m.encryptionKey), replySecret: reply.secret, message, shared, names: members.map((m) => m.address),
    });
    for (const { member, why } of back.leftOut ?? []) {
      try {
        this.onLeftOut?.(members[member]?.address ?? `member #${member}`, why);
      } catch {
        // The app's callback failing does not lose the value the other members gave.
      }
    }
    return BigInt(back.value);
  }

  // ---- contracts and tasks

  /** Registers a contract's source; resolves to its hash (also when it was deployed before). */
  async deployContract(account: Account, source: string): Promise<string> {
    try {
      await this.submit(this.api.tx.secretCompute.registerContract(stringToHex(source)), account);
    } catch (e) {
      if (!(e instanceof TransactionError && e.error === 'ContractExists')) throw e;
    }
    return blake2AsHex(source, 256);
  }

  /** A deployed contract's source. */
  /** A contract's source, checked against its hash (its id is the blake2-256 of its code). */
  async contractSource(contract: string): Promise<string> {
    const code = (await this.api.query.secretCompute.contracts(contract)) as any;
    if (code.isNone) throw new EnigmaError(`no contract ${contract}`);
    const bytes = code.unwrap().toU8a(true);
    if (blake2AsHex(bytes, 256) !== contract.toLowerCase()) throw new EnigmaError(`the node returned code that is not contract ${contract}`);
    return u8aToString(bytes);
  }

  /** What a task of `entry` costs at today's prices on a committee of `committeeSize`. */
  async quote(source: string, entry: string, options: { committeeSize: number; args?: string; account?: Account }): Promise<bigint> {
    const block = (await this.api.rpc.chain.getHeader()).number.toNumber() + 1;
    return BigInt(this.compile(source, entry, options.args ?? '', await this.prices(), block, options.account?.address, options.committeeSize).gas);
  }

  /** Submits a task on `inputs` (secrets held by one committee); resolves to its id. */
  async submitTask(account: Account, options: TaskOptions): Promise<string> {
    const { contract, entry, inputs, args = '' } = options;
    let gasLimit = options.gasLimit;
    if (gasLimit === undefined) {
      const first = (await this.api.call.secretComputeApi.secret(inputs[0])) as any;
      if (first.isNone) throw new EnigmaError(`unknown input secret ${inputs[0]}`);
      const committeeSize = (await this.members(first.unwrap().committee.toNumber())).length;
      gasLimit = await this.quote(await this.contractSource(contract), entry, { committeeSize, args, account });
    }
    const tx = this.api.tx.secretCompute.submitTask(contract, stringToHex(entry), inputs, args ? stringToHex(args) : '0x', gasLimit);
    const { events } = await this.submit(tx, account);
    return event(events, 'secretCompute', 'TaskCreated').data.task.toHex();
  }

  /** Waits until the task completes: its public outputs and ledger writes from the chain, and,
   *  with an `account`, the private outputs it may read, collected from the members. */
  async waitTask(task: string, options: { account?: Account; timeoutMs?: number } = {}): Promise<TaskOutcome> {
    let view: any;
    // Read at the finalized head: the outcome, the members asked for private outputs and the
    // inputs whose owners may read them are what the validators finalized.
    let at: Awaited<ReturnType<Enigma['finalized']>>;
    await until(`task ${task} done and finalized`, options.timeoutMs ?? 300_000, async () => {
      at = await this.finalized();
      const found = (await at.call.secretComputeApi.task(task)) as any;
      if (found.isNone) throw new EnigmaError(`no task ${task}`);
      view = found.unwrap();
      return !view.status.isPending;
    });
    if (view.status.isFailed) {
      const aborts: string[] = [];
      for (const member of view.members) {
        const reason = (await at!.query.secretCompute.aborts(task, member)) as any;
        if (reason.isSome) aborts.push(`${member}: ${reason.unwrap().toString()}`);
      }
      throw new EnigmaError(aborts.length ? `the task failed: members gave up on it (${aborts.join(', ')}); the gas was refunded`
        : 'the task failed: no quorum of the committee agreed on a result before the deadline');
    }
    const result = ((await at!.query.secretCompute.results(task)) as any).unwrap();
    const publicValues: bigint[] = this.api.createType('Vec<u128>', result.outputs.toU8a(true)).map((v: any) => v.toBigInt());
    const source = await this.contractSource(view.contract.toHex());
    const prices = pricesOf(view.prices);
    const compiled = this.compile(source, u8aToString(view.entry.toU8a(true)), u8aToString(view.publicArgs.toU8a(true)), prices, view.created.toNumber(), view.requester.toString(), view.members.length);
    const members = options.account ? await this.workers(at!, view.members.map((m: any) => m.toString())) : [];
    // Who may read party p's outputs: whoever has Read on the identity owning p's inputs, as the
    // members check it. Outputs the account may not read are not asked for.
    const mayRead = async (party: number): Promise<boolean> => {
      const input = view.inputs[compiled.inputParties.indexOf(party)];
      const secret = input && ((await at!.call.secretComputeApi.secret(input)) as any);
      if (!secret || secret.isNone) return false;
      return ((await at!.call.sharedIdentityApi.checkPermission(options.account!.address, secret.unwrap().owner, 'Read', [], null)) as any).isTrue;
    };
    const outcome: TaskOutcome = { task, status: 'Completed', gasUsed: result.gasUsed.toBigInt(), public: {}, private: {}, errors: {}, ledger: {} };
    for (const output of compiled.outputs) {
      if (output.visibility === 'public' && publicValues.length) outcome.public[output.name] = publicValues.shift()!;
      if (output.visibility === 'private' && options.account && (await mayRead(output.party!))) {
        // The account may read it: any failure (a false share detected, members out of reach) is reported.
        const shared = compiled.spdz ? 'spdz-output' : 'computed';
        await this.collect(options.account, members, shared, 'outputRequest', { task, output: output.index })
          .then((value) => { outcome.private[output.name] = value; })
          .catch((e: Error) => { outcome.errors[output.name] = e.message; });
      }
    }
    for (const [key, value] of result.ledgerWrites) outcome.ledger[`L[${key.toString()}]`] = value.toBigInt();
    return outcome;
  }

  private async prices(): Promise<Record<string, string>> {
    return pricesOf(await this.api.call.secretComputeApi.priceTable());
  }

  private compile(source: string, entry: string, args: string, prices: Record<string, string>, block: number, submitter: string | undefined, committee: number) {
    return this.wasm.call<{
      gas: string;
      spdz: boolean;
      outputs: { index: number; name: string; visibility: 'public' | 'private' | 'kept'; party: number | null }[];
      inputParties: number[];
    }>('compileTask', {
      source, entry, args, prices, block, committee, submitter: submitter ? u8aToHex(decodeAddress(submitter)) : u8aToHex(new Uint8Array(32)),
    });
  }

  // ---- data

  /** Stores data of `identity`: encrypted here under a fresh key, its pointer and rent on chain
   *  (`periods` rent periods), the ciphertext in the DHT through a worker's gateway. Readers are
   *  the identity's members with Read permission (the holders ask the chain). Keep the key: it
   *  is the only way back to the data. */
  async storeData(account: Account, options: { identity: string; data: Uint8Array; periods?: number; autoRenew?: boolean }): Promise<{ pointer: string; key: string; holders: number }> {
    const { identity, data, periods = 1, autoRenew = false } = options;
    // No rent paid for a record nobody could take to the DHT.
    if (!(await this.gatewayWorkers()).length) throw new EnigmaError('no active worker has a known gateway');
    const { sealed, key } = this.wasm.call<{ sealed: string; key: string }>('sealData', { owner: identity, plaintext: u8aToHex(data) });
    const arg = { owner: identity, sealed, writer: u8aToHex(decodeAddress(account.address)) };
    const { pointer, message } = this.wasm.call<{ pointer: string; message: string }>('dataPutRequest', arg);
    await this.submit(this.api.tx.dataRegistry.store(identity, pointer, hexToU8a(sealed).length, ['Member'], periods, autoRenew), account);
    const { request } = this.wasm.call<{ request: string }>('dataPutRequest', { ...arg, signature: await signRaw(account, message) });
    // Through two gateways where there are two: a gateway's count of holders is its word alone,
    // and one that dropped the record would lose data whose rent is paid. (The record is the
    // same signed one; holders keep one copy.)
    const stored = await this.throughGateways(async (worker) => this.dataAnswer<{ holders: number }>(worker, { answer: await post(worker, request) }), 2, false);
    return { pointer, key, holders: Math.min(...stored.map((s) => s.holders)) };
  }

  /** Reads data `account` may read (Read on its identity, as the holders check), by pointer and key. */
  async fetchData(account: Account, pointer: string, key: string): Promise<Uint8Array> {
    const reader = u8aToHex(decodeAddress(account.address));
    const [{ plaintext }] = await this.throughGateways(async (worker) => {
      // Signed for this worker's node, which asks the holders, and for a fresh reply key, which
      // the worker seals the record to: the signature serves this page alone, for two minutes.
      const reply = this.wasm.call<{ secret: string; public: string }>('replyKey');
      const arg = { pointer, reader, peer: worker.peerId, signedAt: Math.floor(Date.now() / 1000), replyTo: reply.public };
      const { message } = this.wasm.call<{ message: string }>('dataGetRequest', arg);
      const { request } = this.wasm.call<{ request: string }>('dataGetRequest', { ...arg, signature: await signRaw(account, message) });
      const answer = await post(worker, request);
      return this.dataAnswer<{ plaintext: string }>(worker, { answer, pointer, key, replySecret: reply.secret, member: worker.encryptionKey, message });
    });
    return hexToU8a(plaintext);
  }

  /** A gateway's answer to a data request, checked and opened by the module: a refusal or a
   *  key that does not open the record come back as their own errors, told apart by the module's
   *  verdict, never by the text a gateway sent. */
  private dataAnswer<T>(worker: Member, arg: Record<string, unknown>): T {
    const answer = this.wasm.call<T & { refused?: string; wrongKey?: string }>('dataAnswer', arg);
    if (answer.refused !== undefined) throw new GatewayRefusal(worker.address, answer.refused);
    if (answer.wrongKey !== undefined) throw new WrongDataKey(answer.wrongKey);
    return answer;
  }

  /** Stops holders from serving the data: to `reader` only (on top of what the read predicate
   *  allowed so far: earlier revocations stay), or to everyone. */
  async revokeData(account: Account, pointer: string, reader?: string): Promise<void> {
    // One reader: the chain narrows the predicate it holds (And it, Not AnyOf [reader]), so a
    // revocation another holder of Store makes meanwhile is kept; reading the predicate and
    // writing it back narrowed would undo it. Everyone: nobody.
    const call = reader
      ? this.api.tx.dataRegistry.restrictRead(pointer, ['Not', { AnyOf: [reader] }])
      : this.api.tx.dataRegistry.setReadPredicate(pointer, ['Never']);
    await this.submit(call, account);
  }

  /** Active workers with a known gateway, in a random order (no one worker carries every page). */
  private async gatewayWorkers(): Promise<(Member & { peerId: string })[]> {
    const at = await this.finalized();
    const active: string[] = ((await at.query.workers.activeWorkers()) as any).map((a: any) => a.toString());
    const found = [];
    for (const address of active.filter((a) => this.gatewayOf(a))) {
      const entry = (await at.query.workers.workers(address)) as any;
      if (entry.isSome) found.push({ address, gateway: this.gatewayOf(address), encryptionKey: u8aToHex(entry.unwrap().encryptionKey), peerId: u8aToHex(entry.unwrap().peerId) });
    }
    return found.sort(() => Math.random() - 0.5);
  }

  /** Runs `work` through one worker's gateway after another until `wanted` of them succeed (at
   *  least one must). A wrong data key ends it ([`WrongDataKey`]: the record was checked to hash
   *  to its pointer (owner and ciphertext) before it was opened, so another gateway's would be the
   *  same). A refusal of the reader ends it once two gateways gave it: a gateway's refusal is not
   *  signed, and one lying gateway must not keep a reader from the others (a store, whose rent
   *  is paid, asks every gateway before it gives up: `refusalsEnd` false). Only the module's
   *  verdicts are told apart: a gateway's words (a refusal saying "decryption failed", an HTTP
   *  error's body) are one gateway failing, whatever they say. */
  private async throughGateways<T>(work: (worker: Member & { peerId: string }) => Promise<T>, wanted = 1, refusalsEnd = true): Promise<T[]> {
    const [done, failures, refusals]: [T[], string[], string[]] = [[], [], []];
    for (const worker of await this.gatewayWorkers()) {
      try {
        done.push(await work(worker));
        if (done.length >= wanted) break;
      } catch (e) {
        if (e instanceof WrongDataKey) throw e;
        const why = `${worker.address}: ${(e as Error).message}`;
        if (e instanceof GatewayRefusal && /not permitted|may not read|refused the account/.test(e.reason)) {
          refusals.push(why);
          if (refusalsEnd && refusals.length >= 2) throw new EnigmaError(`refused by two gateways: ${refusals.join('; ')}`);
        }
        failures.push(why);
      }
    }
    if (done.length) return done;
    throw new EnigmaError(failures.length ? `no gateway served it: ${failures.join('; ')}` : 'no active worker has a known gateway');
  }

  /** Encrypts data for `owner` (an identity) under a fresh key, before it leaves the machine. */
  sealData(owner: string, plaintext: Uint8Array): { sealed: Uint8Array; key: Uint8Array } {
    const { sealed, key } = this.wasm.call<{ sealed: string; key: string }>('sealData', { owner, plaintext: u8aToHex(plaintext) });
    return { sealed: hexToU8a(sealed), key: hexToU8a(key) };
  }

  /** Decrypts what sealData made; throws if the key, owner or bytes are wrong. */
  openData(owner: string, key: Uint8Array, sealed: Uint8Array): Uint8Array {
    return hexToU8a(this.wasm.call<{ plaintext: string }>('openData', { owner, key: u8aToHex(key), sealed: u8aToHex(sealed) }).plaintext);
  }
}

function pricesOf(table: any): Record<string, string> {
  return Object.fromEntries(['add', 'mul', 'open', 'input', 'round'].map((k) => [k, table[k].toString()]));
}

function chainKind(kind: Kind): unknown {
  if (kind === 'field') return 'Field';
  return { Int: { bits: kind === 'bool' ? 1 : Number(kind.slice(1)) } };
}

function findEvent(events: any[], section: string, method: string): any {
  return events.find((e) => e.section === section && e.method === method);
}

function event(events: any[], section: string, method: string): any {
  const found = findEvent(events, section, method);
  if (!found) throw new EnigmaError(`no ${section}.${method} event`);
  return found;
}

/** Signs `message` (hex) as the CLI does: raw sr25519 with a keyring pair; a wallet wraps it in <Bytes>, which members accept too. */
async function signRaw(account: Account, message: string): Promise<string> {
  if ('sign' in account && typeof account.sign === 'function') return u8aToHex(account.sign(hexToU8a(message)));
  const signer = (account as { signer: Signer }).signer;
  if (!signer.signRaw) throw new EnigmaError('this signer cannot sign raw bytes');
  return (await signer.signRaw({ address: account.address, data: message, type: 'bytes' })).signature;
}

/** POSTs a request body (hex) to a member's gateway; resolves to the answer (hex). */
async function post(member: Member, body: string): Promise<string> {
  if (!member.gateway) throw new EnigmaError(`no gateway known for worker ${member.address}`);
  const response = await fetch(`${member.gateway.replace(/\/$/, '')}/app`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: hexToU8a(body) as Uint8Array<ArrayBuffer>,
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  }).catch((e: Error) => { throw new EnigmaError(`unreachable: ${member.address} at ${member.gateway}: ${e.message}`); });
  const answer = await readCapped(response, member);
  if (!response.ok) throw new EnigmaError(`HTTP ${response.status} from ${member.address}: ${new TextDecoder().decode(answer.subarray(0, 512))}`);
  return u8aToHex(answer);
}

/** A response's body, at most MAX_ANSWER_BYTES of it: a gateway that sends more is cut off. */
async function readCapped(response: Response, member: Member): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  const tooLarge = () => new EnigmaError(`${member.address} at ${member.gateway} sent an answer larger than ${MAX_ANSWER_BYTES} bytes`);
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((e: Error) => {
      throw new EnigmaError(`${member.address} at ${member.gateway}: the answer did not arrive whole: ${e.message}`);
    });
    if (done) return u8aConcat(...parts);
    length += value.length;
    if (length > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
}

async function until(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new EnigmaError(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
