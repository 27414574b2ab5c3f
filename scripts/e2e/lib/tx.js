// Submitting extrinsics and reading their outcome the way a dApp does.

/**
 * Sign and send `tx`, resolve once it is in a finalized block with its events and, if it
 * failed, its decoded dispatch error (`{ section, name }` for module errors, else `{ kind }`).
 */
export function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsub;
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsub?.();
        reject(new Error(`transaction ${status.type}`));
      }
      if (!status.isFinalized) return;
      unsub?.();
      let error = null;
      if (dispatchError) {
        if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          error = { section, name };
        } else if (dispatchError.isToken) {
          error = { kind: 'Token', name: dispatchError.asToken.type };
        } else {
          error = { kind: dispatchError.type };
        }
      }
      resolve({ blockHash: status.asFinalized, events: events.map((r) => r.event), error });
    })
      .then((u) => { unsub = u; })
      .catch(reject);
  });
}

/** The first event `section.method` among `events`, or undefined. */
export function findEvent(events, section, method) {
  return events.find((e) => e.section === section && e.method === method);
}

/**
 * Request a committee of `size` as `signer` and wait for the chain to draw it (a few blocks
 * later, from a block hash nobody knew at request time). Resolves to `{ id, members }`.
 */
export async function requestCommittee(api, size, signer, timeoutMs = 60_000) {
  const requested = await submit(api, api.tx.workers.requestCommittee(size), signer);
  if (requested.error) throw new Error(`requestCommittee: ${JSON.stringify(requested.error)}`);
  const id = findEvent(requested.events, 'workers', 'CommitteeRequested').data.id.toNumber();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const members = await api.query.workers.committees(id);
    if (members.isSome) return { id, members: members.unwrap().map((m) => m.toString()) };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`committee ${id} was not drawn in ${timeoutMs} ms`);
}

/** What `who` has on hold for `reason` (e.g. `{ SecretCompute: 'TaskGas' }`), as a bigint. */
export async function heldFor(api, who, reason) {
  const holds = await api.query.balances.holds(who);
  const wanted = JSON.stringify(reason);
  return holds.filter((h) => JSON.stringify(h.id.toJSON()) === wanted).reduce((sum, h) => sum + h.amount.toBigInt(), 0n);
}
