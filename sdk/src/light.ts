// A polkadot-js provider over an embedded light client (smoldot), so that the SDK trusts no RPC
// node: smoldot follows the chain from its spec's genesis over the peer-to-peer network, checks
// every header's Aura author and the GRANDPA validators' finality proofs (across validator set
// changes), and every storage value or runtime call against the state root of the block it is
// read at. A best block's state root is vouched for by its author alone (a light client does not
// execute blocks), so the SDK reads what decides where shares go and what it accepts (committees
// and worker keys, secret records, task outcomes) at the finalized head, no older than ten
// minutes: what it then trusts is two thirds of the validators, as the CLI with its checkpoints.
//
// The SDK does not depend on smoldot: pass the client `start()` from the `smoldot` package
// returns (one per page or process; it can follow several chains).
//
// A page that loads again need not follow the chain from its genesis once more: it saves what
// smoldot knows of the finalized chain (`lightClientDatabase`, a string) and hands it back
// (`database`). smoldot trusts that string as it trusts the spec, so keep it where only the page
// writes (its own storage), never take it from a server or another site.

import { ScProvider } from '@polkadot/api';

/** The part of a smoldot client the SDK uses (`import { start } from 'smoldot'`; `start()`). */
export interface LightClient {
  addChain(options: { chainSpec: string; databaseContent?: string }): Promise<LightChain>;
}

/** A chain a [`LightClient`] follows. */
export interface LightChain {
  sendJsonRpc(request: string): void;
  nextJsonRpcResponse(): Promise<string>;
  remove(): void;
}

/**
 * A provider for `ApiPromise.create({ provider })` that reads the chain through `client`.
 * `chainSpec` is the chain's spec (JSON text or object: the raw spec the validators run, from a
 * source you trust, since it fixes the genesis); `bootNodes` (multiaddrs with `/p2p/<peer id>`)
 * replace its boot nodes when given; `database` is what [`lightClientDatabase`] saved from an
 * earlier run on this chain (it starts from there instead of the genesis). Resolves once
 * connected.
 */
export async function lightClientProvider(
  client: LightClient,
  chainSpec: string | object,
  options: { bootNodes?: string[]; database?: string } = {},
): Promise<ScProvider> {
  const spec = typeof chainSpec === 'string' ? JSON.parse(chainSpec) : { ...chainSpec };
  if (options.bootNodes) spec.bootNodes = options.bootNodes;
  // ScProvider speaks to @substrate/connect's interface; this is that interface over `client`.
  const connect = {
    WellKnownChain: {},
    createScClient: () => ({
      addWellKnownChain: () => Promise.reject(new Error('only chains given by their spec')),
      addChain: async (chainSpec: string, onResponse: (response: string) => void) => {
        const chain = await client.addChain(options.database ? { chainSpec, databaseContent: options.database } : { chainSpec });
        void (async () => {
          for (;;) {
            let response: string;
            try {
              response = await chain.nextJsonRpcResponse();
            } catch {
              return; // removed, or the client stopped
            }
            try {
              onResponse(response);
            } catch (e) {
              console.error('enigma sdk: a light client response was not handled:', e);
            }
          }
        })();
        return {
          sendJsonRpc: (request: string) => chain.sendJsonRpc(request),
          remove: () => chain.remove(),
          addChain: () => Promise.reject(new Error('not supported')),
        };
      },
    }),
  };
  const provider = new ScProvider(connect as any, JSON.stringify(spec));
  await provider.connect();
  return provider;
}

/**
 * What the light client behind `provider` knows of the finalized chain (its finalized block,
 * the validator sets to check what follows, peers), at most `maxBytes` long: save it, and pass
 * it as `database` to [`lightClientProvider`] next time.
 */
export async function lightClientDatabase(provider: ScProvider, maxBytes = 1 << 20): Promise<string> {
  const database = await provider.send('chainHead_unstable_finalizedDatabase', [maxBytes]);
  if (typeof database !== 'string') throw new Error('the light client returned no database');
  return database;
}
